import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { samplesBetween, scenarioFleet } from '../../scripts/demo/scenario.js';

const HOUR = 3_600_000;
const STEP = 5 * 60_000;
const ONGOING = new Set(['trend', 'forecast', 'leak', 'bottleneck']);

async function post(t: TestApp, samples: Array<Record<string, unknown>>) {
  for (let i = 0; i < samples.length; i += 5000) {
    expect((await t.post('/api/agents/metrics', { samples: samples.slice(i, i + 5000) })).status).toBe(200);
  }
}

/** What a finding says, without the run-to-run bookkeeping (ids, and the first-seen time of ongoing states). */
const gist = (f: any) =>
  JSON.stringify([f.kind, f.agent_name, f.metric, f.severity, f.value, f.expected, ONGOING.has(f.kind) ? null : f.started_at, f.ended_at]);

describe('backfill equals live', () => {
  it('gives the same findings whether samples arrive live or are posted afterwards with past timestamps', async () => {
    const live = Date.parse('2026-11-25T06:00:00.000Z');
    const end = live + 3 * HOUR;
    const fleet = scenarioFleet(live, 3);
    const history = samplesBetween(fleet, live - 2 * 24 * HOUR, live);
    const recent = samplesBetween(fleet, live, end);
    const between = (from: number, to: number) => recent.filter((s) => Date.parse(String(s.timestamp)) >= from && Date.parse(String(s.timestamp)) < to);

    const a = createTestApp();
    a.clock.set(new Date(live).toISOString());
    await post(a, history);
    // Live: each step's samples arrive once their time has come (liveness follows arrival).
    for (let now = live; now < end; now += STEP) {
      a.clock.set(new Date(now + STEP).toISOString());
      await post(a, between(now, now + STEP));
      await a.post('/api/meta-agent/trigger-analysis');
    }
    const liveFindings = (await a.post('/api/meta-agent/trigger-analysis')).body.data.findings.map(gist).sort();

    const b = createTestApp();
    b.clock.set(new Date(end).toISOString());
    await post(b, [...history, ...recent].reverse());
    const backfilled = (await b.post('/api/meta-agent/trigger-analysis')).body.data.findings.map(gist).sort();

    expect(liveFindings.length).toBeGreaterThan(3);
    expect(backfilled).toEqual(liveFindings);
  }, 60_000);
});
