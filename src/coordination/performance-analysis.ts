import { resample, correlation, median } from '../analysis/stats.js';
import type { Point } from '../analysis/series.js';
import type { StoredSample } from '../store/store.js';
import { HOUR, round } from '../domain/units.js';

const FIVE_MINUTES = 300_000;

export interface PerformanceInput {
  agent: string;
  now: number;
  /** The agent's raw samples over the window, oldest first. */
  samples: readonly StoredSample[];
  /** Mean response time of every agent over the same window. */
  fleetMeans: ReadonlyMap<string, number>;
  host: ReadonlyArray<{ t: number; cpu: number | null; memory: number | null }>;
}

interface Latency {
  samples: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  last_hour_p50: number | null;
  earlier_p50: number | null;
  tail_ratio: number | null;
}

type Correlations = Record<'host_cpu' | 'host_memory' | 'requests' | 'agent_cpu' | 'agent_memory', number | null>;

export interface PerformanceAnalysis {
  agent: string;
  window: { from: string | null; to: string };
  latency: Latency;
  correlations: Correlations;
  peers: { fleet_median: number | null; rank: number | null; of: number; ratio_to_median: number | null };
  likely_cause: string;
  evidence: string[];
}

const percentile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const roundOrNull = (v: number | null, d = 3) => (v === null || !Number.isFinite(v) ? null : round(v, d));

function series(samples: readonly StoredSample[], pick: (s: StoredSample) => number | null): Point[] {
  const points: Point[] = [];
  for (const s of samples) {
    const v = pick(s);
    if (v !== null) points.push({ t: Date.parse(s.timestamp), v });
  }
  return resample(points, FIVE_MINUTES);
}

/** Correlation of two 5-minute series over the buckets they share. */
function aligned(a: Point[], b: Point[]): number | null {
  const byT = new Map(b.map((p) => [p.t, p.v]));
  const pairs = a.filter((p) => byT.has(p.t));
  if (pairs.length < 6) return null;
  const r = correlation(pairs.map((p) => p.v), pairs.map((p) => byT.get(p.t)!));
  return Number.isFinite(r) ? r : null;
}

/**
 * The built-in performance analyst's look at one slow agent: its latency distribution now
 * and before, how latency moves with host CPU and memory, its own CPU and memory, and its
 * request volume, how it compares with the rest of the fleet, and the likeliest cause.
 */
export function analysePerformance(input: PerformanceInput): PerformanceAnalysis {
  const rt = input.samples.map((s) => s.response_time).filter((v): v is number => v !== null);
  const sorted = [...rt].sort((a, b) => a - b);
  const recent = input.samples.filter((s) => Date.parse(s.timestamp) >= input.now - HOUR && s.response_time !== null).map((s) => s.response_time!);
  const earlier = input.samples.filter((s) => Date.parse(s.timestamp) < input.now - HOUR && s.response_time !== null).map((s) => s.response_time!);
  const rtSeries = series(input.samples, (s) => s.response_time);
  const hostCpu = resample(input.host.filter((h) => h.cpu !== null).map((h) => ({ t: h.t, v: h.cpu! })), FIVE_MINUTES);
  const hostMemory = resample(input.host.filter((h) => h.memory !== null).map((h) => ({ t: h.t, v: h.memory! })), FIVE_MINUTES);
  const correlations: Correlations = {
    host_cpu: roundOrNull(aligned(rtSeries, hostCpu)),
    host_memory: roundOrNull(aligned(rtSeries, hostMemory)),
    requests: roundOrNull(aligned(rtSeries, series(input.samples, (s) => s.requests))),
    agent_cpu: roundOrNull(aligned(rtSeries, series(input.samples, (s) => s.cpu_usage))),
    agent_memory: roundOrNull(aligned(rtSeries, series(input.samples, (s) => s.memory_usage))),
  };
  const fleet = [...input.fleetMeans.entries()].sort((a, b) => b[1] - a[1]);
  const fleetMedian = fleet.length > 0 ? median(fleet.map(([, v]) => v)) : null;
  const mean = rt.length > 0 ? rt.reduce((a, b) => a + b, 0) / rt.length : null;
  const p50 = sorted.length ? percentile(sorted, 0.5) : null;
  const p99 = sorted.length ? percentile(sorted, 0.99) : null;
  const latency: Latency = {
    samples: rt.length,
    mean: roundOrNull(mean),
    p50: roundOrNull(p50),
    p90: roundOrNull(sorted.length ? percentile(sorted, 0.9) : null),
    p99: roundOrNull(p99),
    max: roundOrNull(sorted.at(-1) ?? null),
    last_hour_p50: roundOrNull(recent.length ? median(recent) : null),
    earlier_p50: roundOrNull(earlier.length ? median(earlier) : null),
    tail_ratio: roundOrNull(p50 && p99 ? p99 / p50 : null, 2),
  };
  const peers = {
    fleet_median: roundOrNull(fleetMedian),
    rank: fleet.findIndex(([name]) => name === input.agent) + 1 || null,
    of: fleet.length,
    ratio_to_median: roundOrNull(mean !== null && fleetMedian ? mean / fleetMedian : null, 2),
  };
  return { agent: input.agent, window: { from: input.samples[0]?.timestamp ?? null, to: new Date(input.now).toISOString() }, latency, correlations, peers, ...likelyCause(latency, correlations, peers) };
}


function likelyCause(latency: Latency, c: Correlations, peers: { ratio_to_median: number | null }): Pick<PerformanceAnalysis, 'likely_cause' | 'evidence'> {
  const evidence: string[] = [];
  const strong = (r: number | null) => r !== null && r >= 0.6;
  let cause = 'a uniform slow-down across calls with no resource or load link: look at a recent deploy, a changed prompt or model, or a slower dependency';
  if (strong(c.host_cpu)) {
    cause = 'host CPU contention: latency rises and falls with the host CPU';
    evidence.push(`correlation with host CPU ${c.host_cpu}`);
  } else if (strong(c.requests)) {
    cause = 'load: latency follows the request volume (queueing or a rate-limited dependency)';
    evidence.push(`correlation with requests ${c.requests}`);
  } else if (strong(c.agent_cpu)) {
    cause = "CPU-bound work in the agent itself";
    evidence.push(`correlation with the agent's CPU ${c.agent_cpu}`);
  } else if (strong(c.agent_memory) || strong(c.host_memory)) {
    cause = 'memory pressure (garbage collection or swapping) as memory grows';
    evidence.push(`correlation with memory ${c.agent_memory ?? c.host_memory}`);
  } else if (latency.tail_ratio !== null && latency.tail_ratio >= 5) {
    cause = 'a slow tail: most calls are fine but some take far longer (timeouts or retries on a dependency)';
  }
  if (latency.tail_ratio !== null) evidence.push(`p99 is ${latency.tail_ratio}× the median`);
  if (latency.last_hour_p50 !== null && latency.earlier_p50 !== null) evidence.push(`median ${latency.earlier_p50} s before the last hour, ${latency.last_hour_p50} s in it`);
  if (peers.ratio_to_median !== null) evidence.push(`${peers.ratio_to_median}× the fleet's median response time`);
  return { likely_cause: cause, evidence };
}
