import { emptySample, metricProblem, METRIC_RULES, type AgentSample, type MetricField } from '../domain/sample.js';
import type { Observation, Tally } from './collect.js';
import { tokenField, type CallFamily } from './conventions.js';
import { difference, STALE, toLive, toStored, type Increment, type LiveMark, type StreamAdvance, type StreamMark } from './streams.js';

/**
 * Turns an export's observations into samples: one per agent and second of the points' time (an
 * SDK stamps every point of one collection alike), each field summed or averaged over the
 * points that make it. Cumulative points are differenced against their streams' marks, oldest
 * first; the advances say how the marks move, to be stored with the samples.
 */
export function toSamples(observations: readonly Observation[], marks: ReadonlyMap<string, StreamMark>, tally: Tally): { samples: AgentSample[]; advances: StreamAdvance[] } {
  const current = new Map<string, LiveMark | undefined>();
  const moved = new Map<string, Observation>();
  const groups = new Map<string, Map<number, Group>>();
  const ordered = [...observations].sort((a, b) => a.ms - b.ms || (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
  for (const observation of ordered) {
    let amount: Increment | null = null;
    if (observation.reading === 'delta') amount = observation;
    else if (observation.reading === 'cumulative') {
      const { key } = observation;
      if (!current.has(key)) {
        const stored = marks.get(key);
        current.set(key, stored && toLive(stored));
      }
      const increment = difference(current.get(key), observation);
      if (increment === STALE) continue;
      current.set(key, observation);
      moved.set(key, observation);
      if (!increment) continue;
      amount = increment;
    }
    groupOf(groups, observation).add(observation, amount);
  }
  const advances = [...moved].map(([key, { agent, metric, ...next }]): StreamAdvance => ({ key, agent, metric, expected: marks.get(key) ?? null, next: toStored(next) }));
  const samples: AgentSample[] = [];
  for (const byTime of groups.values()) {
    for (const group of byTime.values()) {
      const sample = group.sample(tally);
      if (sample) samples.push(sample);
    }
  }
  return { samples, advances };
}

function groupOf(groups: Map<string, Map<number, Group>>, observation: Observation): Group {
  let byTime = groups.get(observation.agent);
  if (!byTime) groups.set(observation.agent, (byTime = new Map()));
  const second = Math.floor(observation.ms / 1000);
  let group = byTime.get(second);
  if (!group) byTime.set(second, (group = new Group(observation.agent, observation.version)));
  return group;
}

/** Where a field comes from: its points are refused together when what they make is out of range. */
interface Source {
  fields: Partial<Record<MetricField, number>>;
  points: number;
  name: string;
}

class Group {
  private ms = 0;
  // Plain properties, made when first needed: there are as many groups as samples.
  private readonly calls: Partial<Record<CallFamily, { count: number; sum: number; errors: number; points: number }>> = {};
  private readonly tokens: Partial<Record<'input_tokens' | 'output_tokens', { total: number; points: number }>> = {};
  private cpuUtilization: { total: number; points: number } | undefined;
  private cpuRate: { total: number; points: number } | undefined;
  private memoryBytes: { total: number; points: number } | undefined;
  private fields: Map<MetricField, { total: number; n: number; points: number; metric: string }> | undefined;

  constructor(
    private readonly agent: string,
    private readonly version: string | null,
  ) {}

  /** `amount`: what a counter or histogram added in the interval; null for a gauge (its value is the observation's). */
  add(observation: Observation, amount: Increment | null): void {
    if (observation.ms > this.ms) this.ms = observation.ms;
    const { use } = observation;
    switch (use.to) {
      case 'calls': {
        if (!amount) return;
        const calls = (this.calls[use.family] ??= { count: 0, sum: 0, errors: 0, points: 0 });
        calls.count += amount.count;
        calls.sum += amount.sum;
        if (use.isError(observation.attributes)) calls.errors += amount.count;
        calls.points += 1;
        return;
      }
      case 'tokens': {
        const field = tokenField(observation.attributes);
        if (!field || !amount) return;
        const tokens = (this.tokens[field] ??= { total: 0, points: 0 });
        tokens.total += amount.sum;
        tokens.points += 1;
        return;
      }
      case 'cpu_utilization':
        if (!amount) this.cpuUtilization = accumulate(this.cpuUtilization, observation.value * 100);
        return;
      case 'cpu_time':
        if (amount?.seconds) this.cpuRate = accumulate(this.cpuRate, (amount.sum / amount.seconds) * 100);
        return;
      case 'memory':
        if (!amount) this.memoryBytes = accumulate(this.memoryBytes, observation.value);
        return;
      case 'field': {
        this.fields ??= new Map();
        const entry = this.fields.get(use.field) ?? { total: 0, n: 0, points: 0, metric: observation.metric };
        if (!amount) {
          entry.total += observation.value;
          entry.n += 1;
        } else {
          entry.total += amount.sum;
          // A histogram of a level (e.g. response_time) averages its measurements.
          entry.n += observation.histogram && !METRIC_RULES[use.field].integer ? amount.count : 1;
        }
        entry.points += 1;
        this.fields.set(use.field, entry);
      }
    }
  }

  /** The sample these points make, with each source's fields checked; undefined when none is left. */
  sample(tally: Tally): AgentSample | undefined {
    const sample = emptySample(this.agent, new Date(this.ms).toISOString(), 'otlp');
    sample.version = this.version;
    let any = false;
    let errorsFrom: Source | undefined;
    for (const source of this.sources()) {
      const problems: string[] = [];
      for (const field in source.fields) {
        const problem = metricProblem(field as MetricField, source.fields[field as MetricField]);
        if (problem) problems.push(`${field} ${problem}`);
      }
      if (problems.length > 0) {
        tally.reject(source.points, `${this.agent}: ${source.name} makes ${problems.join(', ')}`);
        continue;
      }
      Object.assign(sample, source.fields);
      if ('error_count' in source.fields) errorsFrom = source;
      any = true;
    }
    // As a pushed sample, never more errors than requests (an explicit meta_agent.error_count may say so).
    if (errorsFrom && sample.requests !== null && sample.error_count !== null && sample.error_count > sample.requests) {
      tally.reject(errorsFrom.points, `${this.agent}: ${errorsFrom.name} makes error_count ${sample.error_count}, more than the ${sample.requests} requests`);
      sample.error_count = null;
    }
    return any ? sample : undefined;
  }

  /** Conventions first, explicit meta_agent.<field> metrics last: they win. */
  private sources(): Source[] {
    const sources: Source[] = [];
    const calls = this.calls.gen_ai ?? this.calls.http;
    if (calls) {
      const family = this.calls.gen_ai ? 'gen_ai.client.operation.duration' : 'http.server.request.duration';
      const fields: Source['fields'] = { requests: calls.count, error_count: calls.errors };
      if (calls.count > 0) {
        fields.response_time = calls.sum / calls.count;
        fields.success_rate = 1 - calls.errors / calls.count;
      }
      sources.push({ name: family, fields, points: calls.points });
    }
    for (const field of ['input_tokens', 'output_tokens'] as const) {
      const tokens = this.tokens[field];
      if (tokens) sources.push({ name: 'gen_ai.client.token.usage', fields: { [field]: Math.round(tokens.total) }, points: tokens.points });
    }
    const cpu = this.cpuUtilization ?? this.cpuRate;
    if (cpu) sources.push({ name: this.cpuUtilization ? 'process.cpu.utilization' : 'process.cpu.time', fields: { cpu_usage: cpu.total }, points: cpu.points });
    if (this.memoryBytes) sources.push({ name: 'process.memory.usage', fields: { memory_usage: this.memoryBytes.total / BYTES_PER_MB }, points: this.memoryBytes.points });
    for (const [field, entry] of this.fields ?? []) {
      if (METRIC_RULES[field].integer) sources.push({ name: entry.metric, fields: { [field]: entry.total }, points: entry.points });
      else if (entry.n > 0) sources.push({ name: entry.metric, fields: { [field]: entry.total / entry.n }, points: entry.points });
    }
    return sources;
  }
}

const BYTES_PER_MB = 1024 * 1024;

function accumulate(entry: { total: number; points: number } | undefined, value: number) {
  return { total: (entry?.total ?? 0) + value, points: (entry?.points ?? 0) + 1 };
}
