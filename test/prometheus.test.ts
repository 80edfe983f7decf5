import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { suggestionFor } from './helpers/improvements.js';
import { series } from './helpers/samples.js';

interface Family {
  name: string;
  help: string;
  type: string;
  metrics: Array<{ value?: string; labels?: Record<string, string> }>;
}

const PROMTOOL = '/usr/bin/promtool';
const havePromtool = existsSync(PROMTOOL);
// CI installs Debian's prometheus package and sets this, so a missing promtool fails there.
if (!havePromtool && process.env.META_AGENT_REQUIRE_PROMTOOL) throw new Error(`no ${PROMTOOL}: apt-get install prometheus`);
if (!havePromtool) console.warn(`promtool checks skipped: no ${PROMTOOL} (apt-get install prometheus)`);

async function scrape(t: TestApp, headers: Record<string, string> = {}) {
  const response = await t.request('GET', '/metrics', undefined, headers);
  return { ...response, families: response.status === 200 ? (parsePrometheusTextFormat(response.text) as Family[]) : [] };
}

/** The value of the one series of `name` whose labels include `labels`. */
function value(families: Family[], name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name);
  const series = family?.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)) ?? [];
  if (series.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${series.length} series`);
  return series[0] ? Number(series[0].value) : undefined;
}

describe('GET /metrics (Prometheus)', () => {
  it('serves every agent, the fleet, the jobs and the process in the text format, each series with help and type', async () => {
    const t = createTestApp();
    const now = t.clock.now();
    await t.post('/api/agents/metrics', {
      samples: [
        ...series('llm_writer', now - 60_000, 5, 10_000, () => ({ response_time: 1.5, success_rate: 1, requests: 10, error_count: 0, cpu_usage: 50, memory_usage: 256, input_tokens: 1000, output_tokens: 200 })),
      ],
    });
    // Ten minutes of failures: the analysis raises a suggestion (and findings) for it.
    await suggestionFor(t, 'broken_bot', () => ({ response_time: 2, success_rate: 0.2, requests: 10, error_count: 8 }));
    await t.agent.services.health.tick();

    const { status, headers, families } = await scrape(t);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const healthOf = (agent: string) => Object.fromEntries(['healthy', 'degraded', 'failing', 'offline'].map((state) => [state, value(families, 'meta_agent_agent_health', { agent, state })]));
    expect(healthOf('llm_writer')).toEqual({ healthy: 1, degraded: 0, failing: 0, offline: 0 });
    expect(healthOf('broken_bot')).toMatchObject({ failing: 1, healthy: 0 });
    expect(value(families, 'meta_agent_agent_response_time_seconds', { agent: 'llm_writer' })).toBe(1.5);
    expect(value(families, 'meta_agent_agent_success_ratio', { agent: 'broken_bot' })).toBeCloseTo(0.2, 10);
    expect(value(families, 'meta_agent_agent_error_ratio', { agent: 'broken_bot' })).toBeCloseTo(0.8, 10);
    expect(value(families, 'meta_agent_agent_cpu_usage_cores', { agent: 'llm_writer' })).toBe(0.5);
    expect(value(families, 'meta_agent_agent_memory_usage_bytes', { agent: 'llm_writer' })).toBe(256 * 1024 * 1024);
    expect(value(families, 'meta_agent_agent_input_tokens_total', { agent: 'llm_writer' })).toBe(5000);
    expect(value(families, 'meta_agent_agent_output_tokens_total', { agent: 'llm_writer' })).toBe(1000);
    expect(value(families, 'meta_agent_agent_seconds_since_last_seen', { agent: 'llm_writer' })).toBe(60);
    // No CPU was reported by broken_bot: no series rather than a made-up 0.
    expect(value(families, 'meta_agent_agent_cpu_usage_cores', { agent: 'broken_bot' })).toBeUndefined();

    expect(value(families, 'meta_agent_agents', { health: 'failing' })).toBe(1);
    expect(value(families, 'meta_agent_agents', { health: 'healthy' })).toBe(1);
    expect(value(families, 'meta_agent_agents', { health: 'offline' })).toBe(0);
    expect(value(families, 'meta_agent_improvements', { status: 'pending' })).toBeGreaterThanOrEqual(1);
    expect(value(families, 'meta_agent_improvements', { status: 'completed' })).toBe(0);
    expect(value(families, 'meta_agent_performance_score')).toEqual(expect.any(Number));
    const active = families.find((f) => f.name === 'meta_agent_findings_active')!.metrics;
    expect(active.some((m) => m.labels?.severity === 'critical' && Number(m.value) >= 1)).toBe(true);
    expect(value(families, 'meta_agent_job_runs_total', { job: 'analysis' })).toBe(1);
    expect(value(families, 'meta_agent_job_last_success', { job: 'analysis' })).toBe(1);
    expect(value(families, 'meta_agent_job_last_duration_seconds', { job: 'analysis' })).toBeGreaterThan(0);
    expect(value(families, 'meta_agent_leader')).toBe(1);
    expect(families.some((f) => f.name === 'process_cpu_user_seconds_total')).toBe(true);

    for (const family of families) {
      expect(family.name, family.name).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(family.help.length, `${family.name} has help`).toBeGreaterThan(0);
      if (family.type === 'COUNTER') expect(family.name).toMatch(/_total$/);
      else expect(family.name).not.toMatch(/_total$/);
    }
  });

  it('reads the same values at every scrape, and forgets an agent removed from the registry', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'gone_soon', requests: 1, input_tokens: 7 }, { agent_name: 'stays', requests: 1 }] });
    const [first, second] = await Promise.all([scrape(t), scrape(t)]);
    expect(value(first.families, 'meta_agent_agent_input_tokens_total', { agent: 'gone_soon' })).toBe(7);
    expect(value(second.families, 'meta_agent_agent_input_tokens_total', { agent: 'gone_soon' })).toBe(7);
    expect((await t.request('DELETE', '/api/agents/gone_soon')).status).toBe(200);
    const after = await scrape(t);
    expect(value(after.families, 'meta_agent_agent_input_tokens_total', { agent: 'gone_soon' })).toBeUndefined();
    expect(value(after.families, 'meta_agent_agents', { health: 'healthy' })).toBe(1);
  });

  it('needs a token with read access when tokens are configured (Prometheus sends it as a bearer token)', async () => {
    const t = createTestApp({ auth: { tokens: [{ role: 'viewer', token: 'viewer-token-0123456789' }] } });
    expect((await scrape(t)).status).toBe(401);
    expect((await scrape(t, { authorization: 'Bearer not-the-right-token-00' })).status).toBe(401);
    const scraped = await scrape(t, { authorization: 'Bearer viewer-token-0123456789' });
    expect(scraped.status).toBe(200);
    expect(scraped.families.length).toBeGreaterThan(10);
  });

  it.skipIf(!havePromtool)('passes `promtool check metrics` without a complaint', async () => {
    const t = createTestApp();
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'a', response_time: 1, success_rate: 1, cpu_usage: 10, memory_usage: 100, input_tokens: 3, output_tokens: 4 }] });
    await t.agent.services.health.tick();
    await t.post('/api/meta-agent/trigger-analysis');
    const { text } = await t.get('/metrics');
    const checked = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${checked.stdout}${checked.stderr}`).toBe('');
    expect(checked.status).toBe(0);
  });
});
