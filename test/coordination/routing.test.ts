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
  health: 'failing',
  health_reason: '',
  metrics: { samples: 1, response_time: null, success_rate: null, error_count: null, requests: null, error_rate: null, insights_generated: null, research_cycles: null, cpu_usage: null, memory_usage: null, ...metrics },
});

describe('routing approved work to specialists', () => {
  const config = defaultConfig();
  it.each([
    ['performance', 'performance_analyst'],
    ['efficiency', 'performance_analyst'],
    ['reliability', 'code_editor'],
    ['security', 'code_editor'],
    ['maintainability', 'code_editor'],
    ['scalability', 'system_architect'],
    ['functionality', 'system_architect'],
  ] as const)('sends %s work to %s by default', (type, role) => {
    const route = routeImprovement({ type, fingerprint: `a:cpu_usage:high`, affected_components: ['a'] }, config, []);
    expect(route).toEqual({ role, reason: `type ${type} goes to ${role} (routing table)` });
  });

  it("sends an LLM agent's failures with healthy latency and resources to the prompt engineer", () => {
    const healthy = agent('sentiment_analyzer', { response_time: 4, cpu_usage: 30, success_rate: 0.6 });
    const route = routeImprovement({ type: 'reliability', fingerprint: 'sentiment_analyzer:failures', affected_components: ['sentiment_analyzer'] }, config, [healthy]);
    expect(route.role).toBe('prompt_engineer');
    expect(route.reason).toMatch(/output quality/);
  });

  it('keeps failures of a slow or overloaded agent with the code editor', () => {
    const slow = agent('risk_assessor', { response_time: 45, success_rate: 0.5 });
    expect(routeImprovement({ type: 'reliability', fingerprint: 'risk_assessor:failures', affected_components: ['risk_assessor'] }, config, [slow]).role).toBe('code_editor');
  });

  it('follows a configured table', () => {
    const custom = defaultConfig({ coordination: { routing: { performance: 'system_architect' } } } as never);
    expect(routeImprovement({ type: 'performance', fingerprint: 'a:response_time:high', affected_components: ['a'] }, custom, []).role).toBe('system_architect');
  });
});
