import type { AgentSample } from '../domain/sample.js';

/** What one write tells the registry about one agent: the span of its samples, how many, and their tokens. */
export interface AgentSpan {
  first: string;
  last: string;
  count: number;
  inputTokens: number;
  outputTokens: number;
}

/** Adds a sample to its agent's span (engine-neutral: both stores upsert the registry from these). */
export function addToSpan(spans: Map<string, AgentSpan>, sample: AgentSample): void {
  const span = spans.get(sample.agent_name);
  if (!span) {
    spans.set(sample.agent_name, { first: sample.timestamp, last: sample.timestamp, count: 1, inputTokens: sample.input_tokens ?? 0, outputTokens: sample.output_tokens ?? 0 });
    return;
  }
  if (sample.timestamp < span.first) span.first = sample.timestamp;
  if (sample.timestamp > span.last) span.last = sample.timestamp;
  span.count += 1;
  span.inputTokens += sample.input_tokens ?? 0;
  span.outputTokens += sample.output_tokens ?? 0;
}
