import { beforeEach, describe, expect, it } from 'vitest';
import type { AgentSample } from '../../../src/domain/sample.js';
import type { Store } from '../../../src/store/store.js';
import { at, sample, snapshot } from './fixtures.js';

/** Samples, the agents they register, and health snapshots. */
export function samplesContract(open: () => Store) {
  let store: Store;
  beforeEach(() => {
    store = open();
  });

  describe('samples and the agents they register', () => {
    it('lists newest first, by agent or all, since a time, up to a limit; metrics stay null when missing', async () => {
      await store.samples.insert([sample('a', 0, { response_time: 1 }), sample('b', 1000), sample('a', 2000, { response_time: 3 })], at(5000));
      const all = await store.samples.list({ sinceIso: at(0), limit: 10 });
      expect(all.map((s) => `${s.agent_name}@${s.timestamp}`)).toEqual([`a@${at(2000)}`, `b@${at(1000)}`, `a@${at(0)}`]);
      expect(all[1]!.response_time).toBeNull();
      expect((await store.samples.list({ agentName: 'a', sinceIso: at(1000), limit: 10 })).map((s) => s.response_time)).toEqual([3]);
      expect(await store.samples.list({ sinceIso: at(0), limit: 2 })).toHaveLength(2);
    });

    it('reads one agent in [from, to) oldest first, and every agent since a time grouped and ordered', async () => {
      await store.samples.insert([sample('a', 3000), sample('a', 1000), sample('b', 2000), sample('a', 2000)], at(5000));
      expect((await store.samples.between('a', at(1000), at(3000), 10)).map((s) => s.timestamp)).toEqual([at(1000), at(2000)]);
      const grouped = await store.samples.byAgentSince(at(1500));
      expect([...grouped.keys()].sort()).toEqual(['a', 'b']);
      expect(grouped.get('a')!.map((s) => s.timestamp)).toEqual([at(2000), at(3000)]);
    });

    it('aggregates a window per agent: means and sums over the values present', async () => {
      await store.samples.insert(
        [
          sample('a', 0, { response_time: 1, error_count: 2, requests: 10, cpu_usage: 10 }),
          sample('a', 1000, { response_time: 3, error_count: 1, cpu_usage: 30 }),
          sample('a', -60_000, { response_time: 100 }),
        ],
        at(5000),
      );
      const window = (await store.samples.windowAggregates(at(0))).get('a')!;
      expect(window).toMatchObject({ samples: 2, avg_response_time: 2, sum_errors: 3, sum_requests: 10, sum_errors_with_requests: 2, avg_cpu_usage: 20, avg_success_rate: null });
    });

    it('stores concurrent writes independently: one that fails stores nothing of its own and takes none of the others down', async () => {
      const broken = { ...sample('b', 1000), agent_name: null } as unknown as AgentSample;
      const results = await Promise.allSettled([
        store.samples.insert([sample('a', 0), sample('a', 1000)], at(5000)),
        store.samples.insert([sample('b', 0), broken], at(5000)),
        store.samples.insert([sample('c', 0)], at(5000)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
      expect((await store.samples.list({ sinceIso: at(0), limit: 10 })).map((s) => s.agent_name).sort()).toEqual(['a', 'a', 'c']);
      expect((await store.agents.list()).map((a) => a.name)).toEqual(['a', 'c']);
      expect((await store.samples.windowAggregates(at(0))).get('a')?.samples).toBe(2);
    });

    it('registers agents with their span, capped at arrival; a failed check registers without a sign of life', async () => {
      await store.samples.insert([sample('a', 1000), sample('a', 0), sample('a', 9_000)], at(4000));
      expect(await store.agents.get('a')).toMatchObject({ name: 'a', first_seen: at(0), last_seen: at(4000), registered_at: at(4000), sample_count: 3 });
      await store.samples.insert([sample('a', 20_000)], at(20_000), { alive: false });
      await store.samples.insert([sample('down', 20_000)], at(20_000), { alive: false });
      expect(await store.agents.get('a')).toMatchObject({ last_seen: at(4000), sample_count: 4 });
      expect((await store.agents.list()).map((a) => a.name)).toEqual(['a', 'down']);
    });

    it("keeps each agent's running token totals, whatever the batches (samples without tokens add nothing)", async () => {
      await store.samples.insert([sample('llm', 0, { input_tokens: 1200, output_tokens: 300 }), sample('llm', 1000), sample('other', 0, { input_tokens: 5 })], at(1000));
      await store.samples.insert([sample('llm', 2000, { input_tokens: 800, output_tokens: 0 })], at(2000));
      expect(await store.agents.get('llm')).toMatchObject({ sample_count: 3, input_tokens_total: 2000, output_tokens_total: 300 });
      expect(await store.agents.get('other')).toMatchObject({ input_tokens_total: 5, output_tokens_total: 0 });
      const [stored] = await store.samples.list({ agentName: 'llm', sinceIso: at(2000), limit: 1 });
      expect(stored).toMatchObject({ input_tokens: 800, output_tokens: 0 });
    });
  });

  describe('the agent registry', () => {
    it('removes one agent, retires the unseen but the kept, and tells which names it does not hold', async () => {
      await store.samples.insert([sample('old', 0), sample('kept', 0)], at(0));
      await store.samples.insert([sample('new', 10_000)], at(10_000));
      expect(await store.agents.unknown(['old', 'nobody', 'new'])).toEqual(['nobody']);
      expect((await store.agents.retireUnseen(at(5000), ['kept'])).map((a) => a.name)).toEqual(['old']);
      expect((await store.agents.remove('new'))?.name).toBe('new');
      expect(await store.agents.remove('new')).toBeUndefined();
      expect((await store.agents.list()).map((a) => a.name)).toEqual(['kept']);
    });

    it('registers configured agents not heard from yet, leaving known ones as they are', async () => {
      await store.samples.insert([sample('known', 0)], at(1000));
      await store.agents.register(['known', 'configured'], at(5000));
      expect(await store.agents.get('configured')).toEqual({ name: 'configured', first_seen: at(5000), last_seen: at(5000), registered_at: at(5000), sample_count: 0, input_tokens_total: 0, output_tokens_total: 0 });
      expect(await store.agents.get('known')).toMatchObject({ last_seen: at(0), registered_at: at(1000), sample_count: 1 });
    });

    it('counts registrations strictly after a time, with the earliest of them', async () => {
      await store.samples.insert([sample('a', 0)], at(0));
      await store.samples.insert([sample('b', 1000)], at(1000));
      await store.samples.insert([sample('c', 2000)], at(2000));
      expect(await store.agents.registeredSince(at(0))).toEqual({ count: 2, earliest: at(1000) });
      expect(await store.agents.registeredSince(at(2000))).toEqual({ count: 0, earliest: null });
    });
  });

  describe('health snapshots', () => {
    it('stores them with an id, lists newest first since a time, and knows the latest', async () => {
      const first = await store.systemMetrics.insert(snapshot(0, 90));
      await store.systemMetrics.insert(snapshot(1000, 80));
      expect(first.id).toEqual(expect.any(Number));
      expect((await store.systemMetrics.list(at(0), 10)).map((s) => s.performance_score)).toEqual([80, 90]);
      expect((await store.systemMetrics.list(at(500), 10)).map((s) => s.performance_score)).toEqual([80]);
      expect((await store.systemMetrics.latest())?.performance_score).toBe(80);
    });
  });
}
