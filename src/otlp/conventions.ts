import { METRIC_FIELDS, type MetricField } from '../domain/sample.js';
import type { Attributes, OtlpMetric } from './model.js';

/**
 * Which OpenTelemetry metrics become which sample fields (the README's mapping table): the
 * semantic conventions for GenAI clients, HTTP servers and processes, and `meta_agent.<field>`
 * for any field without a convention. Everything else is ignored.
 */
export type Use =
  /** Calls: requests, errors, mean duration and success rate from a duration histogram. */
  | { to: 'calls'; family: CallFamily; isError: (attributes: Attributes) => boolean }
  | { to: 'tokens' }
  | { to: 'cpu_utilization' }
  | { to: 'cpu_time' }
  | { to: 'memory' }
  | { to: 'field'; field: MetricField }
  | { to: 'ignored' }
  | { to: 'rejected'; reason: string };

/** When an export carries both, GenAI calls are the agent's requests: HTTP is the fallback. */
export type CallFamily = 'gen_ai' | 'http';

const FIELD_PREFIX = 'meta_agent.';

const hasErrorType = (attributes: Attributes) => attributes.values.has('error.type');
const httpFailed = (attributes: Attributes) => {
  const status = Number(attributes.values.get('http.response.status_code'));
  return hasErrorType(attributes) || (Number.isFinite(status) && status >= 500);
};

export function useOf(metric: OtlpMetric): Use {
  const { name, kind } = metric;
  switch (name) {
    case 'gen_ai.client.operation.duration':
      return kind === 'histogram' ? { to: 'calls', family: 'gen_ai', isError: hasErrorType } : wrongKind(name, 'a histogram', kind);
    case 'http.server.request.duration':
      return kind === 'histogram' ? { to: 'calls', family: 'http', isError: httpFailed } : wrongKind(name, 'a histogram', kind);
    case 'gen_ai.client.token.usage':
      return kind === 'histogram' || (kind === 'sum' && metric.monotonic) ? { to: 'tokens' } : wrongKind(name, 'a histogram', kind);
    case 'process.cpu.utilization':
      return kind === 'gauge' || (kind === 'sum' && !metric.monotonic) ? { to: 'cpu_utilization' } : wrongKind(name, 'a gauge', kind);
    case 'process.cpu.time':
      return kind === 'sum' && metric.monotonic ? { to: 'cpu_time' } : wrongKind(name, 'a monotonic sum (counter)', kind);
    case 'process.memory.usage':
      return kind === 'gauge' || (kind === 'sum' && !metric.monotonic) ? { to: 'memory' } : wrongKind(name, 'a gauge or an up-down counter', kind);
  }
  if (!name.startsWith(FIELD_PREFIX)) return { to: 'ignored' };
  const field = name.slice(FIELD_PREFIX.length);
  if ((METRIC_FIELDS as string[]).includes(field)) return { to: 'field', field: field as MetricField };
  return { to: 'rejected', reason: `${name} names no sample field (known: ${METRIC_FIELDS.map((f) => FIELD_PREFIX + f).join(', ')})` };
}

function wrongKind(name: string, expected: string, kind: OtlpMetric['kind']): Use {
  return { to: 'rejected', reason: `${name} must be ${expected}, got a ${kind}` };
}

/** gen_ai.token.type's values (the older "prompt" and "completion" too), to the sample field. */
export function tokenField(attributes: Attributes): 'input_tokens' | 'output_tokens' | undefined {
  const type = attributes.values.get('gen_ai.token.type');
  if (type === 'input' || type === 'prompt') return 'input_tokens';
  if (type === 'output' || type === 'completion') return 'output_tokens';
  return undefined;
}
