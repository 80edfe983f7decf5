import { formatApart, round } from '../domain/units.js';
import { IS_RATE, type AnalysedMetric } from './series.js';

/** Human wording of metrics and values, shared by findings and suggestions. */
export const METRIC_LABEL: Record<AnalysedMetric | 'availability' | 'host_cpu' | 'host_memory', string> = {
  response_time: 'response time',
  success_rate: 'success rate',
  error_rate: 'error rate',
  cpu_usage: 'CPU usage',
  memory_usage: 'memory usage',
  tokens_per_request: 'tokens per request',
  availability: 'availability',
  host_cpu: 'CPU usage',
  host_memory: 'memory usage',
};

/** A value in its metric's unit; `extra` decimals beyond the usual. */
export function formatValue(metric: string, value: number, extra = 0): string {
  switch (metric) {
    case 'response_time':
      return `${round(value, 2 + extra)} s`;
    case 'success_rate':
    case 'error_rate':
      return `${round(value * 100, 1 + extra)} %`;
    case 'cpu_usage':
    case 'host_cpu':
    case 'host_memory':
      return `${round(value, 1 + extra)} %`;
    case 'memory_usage':
      return `${round(value, 1 + extra)} MB`;
    case 'tokens_per_request':
      return `${round(value, extra)} tokens/request`;
    default:
      return String(round(value, 3 + extra));
  }
}

/** A value and the one it is compared with, written so that they read as different. */
export function formatValues(metric: string, value: number, other: number): [string, string] {
  return formatApart(value, other, (v, extra) => formatValue(metric, v, extra), 0);
}

/** The values a metric can take: none is negative, and rates are fractions. */
export function clampToRange(metric: AnalysedMetric, value: number): number {
  return Math.min(Math.max(value, 0), IS_RATE[metric] ? 1 : Infinity);
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export { round };
