import { describe, expect, it } from 'vitest';
import { routeImprovement } from '../../src/coordination/routing.js';
import { defaultConfig } from '../../src/config.js';
import type { AgentStatus } from '../../src/domain/agent.js';

const agent = (name: string, metrics: Partial<AgentStatus['metrics']>): AgentStatus => ({
  name,
  first_seen: '',
  last_seen: '',
  registered_at: '',
  sample_count: 1,
  input_tokens_total: 0,
  output_tokens_total: 0,
  health: 'failing',
  health_reason: '',
  watch_error: null,
  metrics: { samples: 1, response_time: null, success_rate: null, error_count: null, requests: null, error_rate: null, insights_generated: null, research_cycles: null, cpu_usage: null, memory_usage: null, input_tokens: null, output_tokens: null, ...metrics },
});

describe('routing approved work to specialists', () => {
  const config = defaultConfig();
  const none = async () => [];
  it.each([
    ['performance', 'performance_analyst'],
    ['efficiency', 'performance_analyst'],
    ['reliability', 'code_editor'],
    ['security', 'code_editor'],
    ['maintainability', 'code_editor'],
    ['scalability', 'system_architect'],
    ['functionality', 'system_architect'],
  ] as const)('sends %s work to %s by default', async (type, role) => {
    const route = await routeImprovement({ type, problem_family: 'cpu_usage:high', affected_components: ['a'] }, config, none);
    expect(route).toEqual({ role, reason: `type ${type} goes to ${role} (routing table)` });
  });

  it("sends an LLM agent's failures with healthy latency and resources to the prompt engineer", async () => {
    const healthy = agent('sentiment_analyzer', { response_time: 4, cpu_usage: 30, success_rate: 0.6 });
    const route = await routeImprovement({ type: 'reliability', problem_family: 'failures', affected_components: ['sentiment_analyzer'] }, config, async () => [healthy]);
    expect(route.role).toBe('prompt_engineer');
    expect(route.reason).toMatch(/output quality/);
  });

  it('keeps failures of a slow or overloaded agent with the code editor', async () => {
    const slow = agent('risk_assessor', { response_time: 45, success_rate: 0.5 });
    expect((await routeImprovement({ type: 'reliability', problem_family: 'failures', affected_components: ['risk_assessor'] }, config, async () => [slow])).role).toBe('code_editor');
  });

  it('follows a configured table', async () => {
    const custom = defaultConfig({ coordination: { routing: { performance: 'system_architect' } } } as never);
    expect((await routeImprovement({ type: 'performance', problem_family: 'response_time:high', affected_components: ['a'] }, custom, none)).role).toBe('system_architect');
  });
});
