import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { assessAgentHealth, toWindowMetrics } from '../../src/domain/health.js';

const metrics = (over: Partial<Parameters<typeof toWindowMetrics>[0]>) =>
  toWindowMetrics({ samples: 10, avg_response_time: null, avg_success_rate: null, sum_errors: null, sum_requests: null, sum_errors_with_requests: null, sum_insights: null, sum_research_cycles: null, avg_cpu_usage: null, avg_memory_usage: null, sum_input_tokens: null, sum_output_tokens: null, ...over });

describe('health reasons', () => {
  it('write a value and its threshold so that they read as different', () => {
    const verdict = assessAgentHealth({ now: 0, lastSeenMs: 0, offlineAfterMs: 300_000, thresholds: defaultConfig().thresholds, metrics: metrics({ avg_success_rate: 0.79955 }) });
    expect(verdict).toEqual({ health: 'failing', reason: 'success rate 79.96 % below 80 %; error rate 20.04 % above twice the 10 % threshold (20 %)' });
    const slow = assessAgentHealth({ now: 0, lastSeenMs: 0, offlineAfterMs: 300_000, thresholds: defaultConfig().thresholds, metrics: metrics({ avg_response_time: 30.001 }) });
    expect(slow.reason).toBe('response time 30.001 s above 30 s');
  });
});
