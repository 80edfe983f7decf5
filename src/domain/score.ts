import type { Thresholds } from './thresholds.js';
import { round } from './units.js';

export interface ScoreInput {
  total_agents: number;
  active_agents: number;
  avg_response_time: number | null;
  avg_success_rate: number | null;
  error_rate: number | null;
  system_cpu_usage: number | null;
  system_memory_usage: number | null;
}

/** Weights of the performance score; documented in the README. */
export const SCORE_WEIGHTS = {
  success: 0.35,
  latency: 0.25,
  errors: 0.15,
  availability: 0.15,
  resources: 0.1,
} as const;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Performance score 0–100: a weighted mean of component scores, each 0..1.
 * - success: the mean success rate;
 * - latency: 1 up to half the response-time threshold, falling linearly to 0 at twice it;
 * - errors: 1 at no errors, 0 at twice the error-rate threshold;
 * - availability: the share of agents not offline;
 * - resources: host CPU and memory, 1 under their thresholds, 0 at 100 %.
 * A component without data is left out and the other weights renormalised. With no
 * agents, or no data at all, the score is null (unknown), never a made-up number.
 */
export function performanceScore(input: ScoreInput, t: Thresholds): number | null {
  if (input.total_agents === 0) return null;
  const parts: Array<[weight: number, value: number]> = [];
  if (input.avg_success_rate !== null) parts.push([SCORE_WEIGHTS.success, clamp01(input.avg_success_rate)]);
  if (input.avg_response_time !== null) {
    const low = t.response_time / 2;
    parts.push([SCORE_WEIGHTS.latency, clamp01(1 - (input.avg_response_time - low) / (2 * t.response_time - low))]);
  }
  if (input.error_rate !== null) parts.push([SCORE_WEIGHTS.errors, clamp01(1 - input.error_rate / (2 * t.error_rate))]);
  if (input.total_agents > 0) parts.push([SCORE_WEIGHTS.availability, input.active_agents / input.total_agents]);
  const resource = [
    overload(input.system_cpu_usage, t.cpu_usage),
    overload(input.system_memory_usage, t.memory_usage),
  ].filter((x): x is number => x !== null);
  if (resource.length > 0) parts.push([SCORE_WEIGHTS.resources, Math.min(...resource)]);
  if (parts.length === 0) return null;
  const weight = parts.reduce((sum, [w]) => sum + w, 0);
  return round((100 * parts.reduce((sum, [w, v]) => sum + w * v, 0)) / weight, 1);
}

function overload(percent: number | null, threshold: number): number | null {
  if (percent === null) return null;
  if (percent <= threshold) return 1;
  return clamp01(1 - (percent - threshold) / (100 - threshold));
}
