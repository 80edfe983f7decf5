import { emptySample, type AgentSample } from '../domain/sample.js';

export interface PullTarget {
  name: string;
  healthUrl: string;
}

export interface PullResult {
  sample: AgentSample;
  ok: boolean;
  /** Why a check failed: status code, timeout, refused connection. */
  error: string | null;
}

/**
 * Polls each agent's health URL once. Latency becomes response_time (seconds) and the
 * outcome a one-request sample (success 1 or 0); a timeout, refused connection or
 * non-2xx answer is a failure. Checks run in parallel, each bounded by timeoutMs.
 */
export async function runPullChecks(targets: readonly PullTarget[], now: () => number, timeoutMs: number): Promise<PullResult[]> {
  return Promise.all(targets.map((target) => check(target, now, timeoutMs)));
}

async function check(target: PullTarget, now: () => number, timeoutMs: number): Promise<PullResult> {
  const timestamp = new Date(now()).toISOString();
  const started = performance.now();
  let ok = false;
  let error: string | null = null;
  try {
    const response = await fetch(target.healthUrl, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
    ok = response.status >= 200 && response.status < 300;
    if (!ok) error = `HTTP ${response.status}`;
  } catch (caught) {
    error = describeFailure(caught, timeoutMs);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    ok,
    error,
    sample: {
      ...emptySample(target.name, timestamp, 'pull'),
      response_time: Math.round(seconds * 1e6) / 1e6,
      success_rate: ok ? 1 : 0,
      error_count: ok ? 0 : 1,
      requests: 1,
    },
  };
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  if (e.cause?.code) return e.cause.code === 'ECONNREFUSED' ? 'connection refused' : e.cause.code;
  // fetch says only "fetch failed"; its cause says why (e.g. "bad port").
  return e.cause?.message ?? e.message ?? String(error);
}
