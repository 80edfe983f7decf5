import { toIso, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { DeliveryAttempt, DeliveryRepo } from '../store/store.js';

export interface DeliveryJob {
  kind: DeliveryAttempt['kind'];
  /** Where to (a channel or role name; never a URL with credentials). */
  target: string;
  subject: string;
  /** One attempt: resolves with the HTTP status (null when not HTTP), throws on failure. */
  send(): Promise<number | null>;
}

export interface Deliverer {
  /** Tries now and retries with exponential backoff; resolves true once delivered, false when it gives up. Never throws. */
  deliver(job: DeliveryJob): Promise<boolean>;
  /** Cancels pending retries. */
  stop(): void;
}

/**
 * Delivery with retries for webhooks and notification channels. Every attempt is logged in
 * the delivery log; a failing target never blocks its caller beyond the first attempt's
 * promise, and nothing thrown escapes.
 */
export function createDeliverer(options: {
  repo: DeliveryRepo;
  clock: Clock;
  logger: Logger;
  attempts: number;
  backoffMs: number;
}): Deliverer {
  const log = options.logger.child({ module: 'delivery' });
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  async function attempt(job: DeliveryJob, n: number): Promise<boolean> {
    const started = performance.now();
    let ok = false;
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await job.send();
      ok = status === null || (status >= 200 && status < 300);
      if (!ok) error = `HTTP ${status}`;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const duration_ms = Math.round((performance.now() - started) * 10) / 10;
    await options.repo
      .record({ kind: job.kind, target: job.target, subject: job.subject, attempt: n, at: toIso(options.clock.now()), ok, status_code: status, error, duration_ms })
      .catch((e: unknown) => log.error({ err: e }, 'cannot record delivery'));
    if (!ok) log.warn({ target: job.target, subject: job.subject, attempt: n, error }, 'delivery failed');
    return ok;
  }

  return {
    deliver(job) {
      return new Promise<boolean>((resolve) => {
        const run = async (n: number) => {
          if (stopped) return resolve(false);
          if (await attempt(job, n)) return resolve(true);
          if (n >= options.attempts) {
            log.error({ target: job.target, subject: job.subject, attempts: n }, 'delivery given up');
            return resolve(false);
          }
          const timer = setTimeout(() => {
            timers.delete(timer);
            void run(n + 1);
          }, options.backoffMs * 2 ** (n - 1));
          timers.add(timer);
        };
        void run(1);
      });
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
