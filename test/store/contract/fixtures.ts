import type { FindingDraft } from '../../../src/domain/finding.js';
import type { ImprovementDraft } from '../../../src/domain/improvement.js';
import { fingerprintOf, ProblemFamily } from '../../../src/domain/problem.js';
import type { AgentSample } from '../../../src/domain/sample.js';
import type { SystemMetrics } from '../../../src/domain/system-metrics.js';

/** The store contract's fixed time and rows, built through the domain types only. */
export const T0 = Date.parse('2026-11-25T12:00:00.000Z');
export const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
export const sample = (agent: string, offsetMs: number, fields: Partial<AgentSample> = {}): AgentSample => ({
  agent_name: agent,
  timestamp: at(offsetMs),
  response_time: null,
  success_rate: null,
  error_count: null,
  insights_generated: null,
  memory_usage: null,
  cpu_usage: null,
  requests: null,
  research_cycles: null,
  input_tokens: null,
  output_tokens: null,
  version: null,
  source: 'push',
  ...fields,
});
export const snapshot = (offsetMs: number, score: number): SystemMetrics => ({
  timestamp: at(offsetMs),
  total_agents: 3,
  active_agents: 3,
  failed_agents: 0,
  degraded_agents: 0,
  offline_agents: 0,
  avg_response_time: 1.5,
  avg_success_rate: 0.99,
  system_cpu_usage: 20,
  system_memory_usage: 40,
  total_errors: 1,
  total_insights: 2,
  research_cycles_completed: 0,
  performance_score: score,
  window_seconds: 300,
  load_average: 0.5,
  disk_used_percent: 30,
});
export const draft = (agent: string, family: ProblemFamily = ProblemFamily.latency): ImprovementDraft => ({
  type: 'performance',
  priority: 'high',
  title: `Reduce response time of ${agent}`,
  description: 'slow',
  affected_components: [agent],
  estimated_impact: { metric: 'response_time', current_value: 45, threshold: 30, target_value: 27, expected_change: 'faster', affected_agents: [agent], still_occurring: true, evidence_kinds: ['threshold'] },
  implementation_plan: { steps: ['profile'] },
  confidence: 0.8,
  fingerprint: fingerprintOf(agent, family),
  problem_family: family,
  evidence: [1, 2],
});
export const finding = (agent: string, key: string, endedOffset: number, value = 45): FindingDraft => ({
  kind: 'threshold',
  agent_name: agent,
  metric: 'response_time',
  severity: 'warning',
  score: 1.5,
  started_at: at(0),
  ended_at: at(endedOffset),
  value,
  expected: 30,
  message: `${agent} slow`,
  details: { direction: 'above', threshold: 30, clear_at: 27, points: 3, worst: value, latest: value, duration_seconds: 60, active: true },
  episode_key: key,
});
