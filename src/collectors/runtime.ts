import { watchLoopDelay } from './loop-delay.js';
import type { Logger } from '../logger.js';

export interface EventLoopDelay {
  /** The longest the event loop was held up in the last minute. */
  max_ms_last_minute: number;
  /** The 99th percentile of its delays: the highest of the last minute's 10-second slices. */
  p99_ms_last_minute: number;
  max_ms_since_start: number;
}

/** This process's memory, in MB: a monitor that leaks is a monitor nobody trusts. */
export interface ProcessMemory {
  rss_mb: number;
  heap_used_mb: number;
  heap_total_mb: number;
  /** Buffers and other memory outside the JavaScript heap (SQLite's cache is not counted here). */
  external_mb: number;
}

export interface RuntimeMonitor {
  eventLoop(): EventLoopDelay;
  memory(): ProcessMemory;
  stop(): void;
}

// Stalls worth reporting last 100 ms or more: sampling every 20 ms sees them at half the wake-ups of the default 10.
const SAMPLE_MS = 20;
const SLICE_MS = 10_000;
const SLICES = 6;
const STALL_MS = 100;

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/**
 * Watches this process itself. Its event loop: a stall here delays every request and every tick.
 * Delays are kept in six 10-second slices (the last minute); a slice whose worst delay passed
 * 100 ms is logged when it closes.
 */
export function createRuntimeMonitor(logger: Logger): RuntimeMonitor {
  const log = logger.child({ module: 'event-loop' });
  let current = watchLoopDelay(SAMPLE_MS);
  const closed: Array<{ max: number; p99: number }> = [];
  let maxSinceStart = 0;
  const timer = setInterval(() => {
    current.stop();
    const slice = { max: current.maxMs(), p99: current.p99Ms() };
    maxSinceStart = Math.max(maxSinceStart, slice.max);
    if (slice.max > STALL_MS) log.warn({ max_ms: slice.max, p99_ms: slice.p99 }, 'event loop stalled in the last 10 s');
    closed.push(slice);
    if (closed.length > SLICES - 1) closed.shift();
    current = watchLoopDelay(SAMPLE_MS);
  }, SLICE_MS);
  timer.unref();
  return {
    memory() {
      const m = process.memoryUsage();
      return { rss_mb: mb(m.rss), heap_used_mb: mb(m.heapUsed), heap_total_mb: mb(m.heapTotal), external_mb: mb(m.external) };
    },
    eventLoop() {
      // The open slice counts too, so a stall shows at once, not up to 10 s later.
      const slices = [...closed, { max: current.maxMs(), p99: current.p99Ms() }];
      const max = Math.max(...slices.map((s) => s.max));
      return {
        max_ms_last_minute: max,
        p99_ms_last_minute: Math.max(...slices.map((s) => s.p99)),
        max_ms_since_start: Math.max(maxSinceStart, max),
      };
    },
    stop() {
      clearInterval(timer);
      current.stop();
    },
  };
}
