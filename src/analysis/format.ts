import { round } from '../domain/units.js';
import { IS_RATE, type AnalysedMetric } from './series.js';

/** Human wording of metrics and values, shared by findings and suggestions. */
export const METRIC_LABEL: Record<AnalysedMetric | 'availability' | 'host_cpu' | 'host_memory', string> = {
  response_time: 'response time',
  success_rate: 'success rate',
  error_rate: 'error rate',
  cpu_usage: 'CPU usage',
  memory_usage: 'memory usage',
  availability: 'availability',
  host_cpu: 'CPU usage',
  host_memory: 'memory usage',
};

export function formatValue(metric: string, value: number): string {
  switch (metric) {
    case 'response_time':
      return `${round(value, 2)} s`;
    case 'success_rate':
    case 'error_rate':
      return `${round(value * 100, 1)} %`;
    case 'cpu_usage':
    case 'host_cpu':
    case 'host_memory':
      return `${round(value, 1)} %`;
    case 'memory_usage':
      return `${round(value, 1)} MB`;
    default:
      return String(round(value, 3));
  }
}

/** The values a metric can take: none is negative, and rates are fractions. */
export function clampToRange(metric: AnalysedMetric, value: number): number {
  return Math.min(Math.max(value, 0), IS_RATE[metric] ? 1 : Infinity);
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export { round };
