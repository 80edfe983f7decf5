import type { AgentHealth } from './enums.js';

/** An agent as registered by its first report. */
export interface AgentRecord {
  name: string;
  /** Time of the earliest and latest sample or check we hold evidence of, capped at when it arrived. */
  first_seen: string;
  last_seen: string;
  /** When the meta agent first heard from it. */
  registered_at: string;
  sample_count: number;
  /** Every LLM token its samples have reported, since it registered (Prometheus counters). */
  input_tokens_total: number;
  output_tokens_total: number;
}

/** Means and totals of one agent's samples over the health window. */
export interface WindowMetrics {
  samples: number;
  response_time: number | null;
  success_rate: number | null;
  error_count: number | null;
  requests: number | null;
  error_rate: number | null;
  insights_generated: number | null;
  research_cycles: number | null;
  cpu_usage: number | null;
  memory_usage: number | null;
  /** LLM tokens over the window (sums). */
  input_tokens: number | null;
  output_tokens: number | null;
}

export interface AgentStatus extends AgentRecord {
  health: AgentHealth;
  health_reason: string;
  /** What the meta agent sees failing when it checks the agent itself (health URL, process); null when nothing. */
  watch_error: string | null;
  metrics: WindowMetrics;
}
