import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * How late the event loop ran a timer that fires every `resolutionMs`. Node's histogram holds
 * the whole interval between two firings, the resolution included: a 30 ms stall sampled every
 * 20 ms reads as up to 50 ms. Every figure read from it here is the lateness alone.
 */
export function watchLoopDelay(resolutionMs: number) {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const late = (ns: number) => Math.max(0, Math.round((ns / 1e6 - resolutionMs) * 10) / 10);
  return {
    /** The longest lateness, in ms (0 before the first interval closed). */
    maxMs: () => (histogram.count > 0 ? late(histogram.max) : 0),
    p99Ms: () => (histogram.count > 0 ? late(histogram.percentile(99)) : 0),
    stop: () => histogram.disable(),
  };
}
