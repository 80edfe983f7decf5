import { beforeEach, describe, expect, it } from 'vitest';
import type { AgentSample } from '../../../src/domain/sample.js';
import type { Store } from '../../../src/store/store.js';
import { expectSameAggregates } from '../../helpers/aggregates.js';
import { at, sample } from './fixtures.js';

/** Window aggregates against SQL over raw rows, rollups and pruning. */
export function aggregatesContract(open: () => Store) {
  let store: Store;
  beforeEach(() => {
    store = open();
  });

  describe('window aggregates', () => {
    /** The aggregates computed straight from the samples, as the health tick defines them. */
    function reference(samples: readonly AgentSample[], sinceIso: string) {
      const result = new Map<string, Record<string, number | null>>();
      const byAgent = new Map<string, AgentSample[]>();
      for (const s of samples) if (s.timestamp >= sinceIso) byAgent.set(s.agent_name, [...(byAgent.get(s.agent_name) ?? []), s]);
      const avg = (values: Array<number | null>) => {
        const known = values.filter((v): v is number => v !== null);
        return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
      };
      const sum = (values: Array<number | null>) => {
        const known = values.filter((v): v is number => v !== null);
        return known.length ? known.reduce((a, b) => a + b, 0) : null;
      };
      for (const [agent, rows] of byAgent) {
        result.set(agent, {
          samples: rows.length,
          avg_response_time: avg(rows.map((r) => r.response_time)),
          avg_success_rate: avg(rows.map((r) => r.success_rate)),
          sum_errors: sum(rows.map((r) => r.error_count)),
          sum_requests: sum(rows.map((r) => r.requests)),
          sum_errors_with_requests: sum(rows.map((r) => (r.requests === null ? null : r.error_count))),
          sum_insights: sum(rows.map((r) => r.insights_generated)),
          sum_research_cycles: sum(rows.map((r) => r.research_cycles)),
          avg_cpu_usage: avg(rows.map((r) => r.cpu_usage)),
          avg_memory_usage: avg(rows.map((r) => r.memory_usage)),
          sum_input_tokens: sum(rows.map((r) => r.input_tokens)),
          sum_output_tokens: sum(rows.map((r) => r.output_tokens)),
        });
      }
      return result;
    }


    it('equal the raw computation for live, late, backfilled and out-of-order samples, windows starting anywhere, and after pruning', async () => {
      let seed = 42;
      const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      const maybe = (value: number) => (random() < 0.2 ? null : value);
      const stored: AgentSample[] = [];
      const make = (offsetMs: number): AgentSample => {
        const requests = maybe(Math.floor(random() * 100));
        return sample(`agent_${Math.floor(random() * 5)}`, Math.round(offsetMs), {
          response_time: maybe(random() * 5),
          success_rate: maybe(random()),
          error_count: maybe(Math.floor(random() * (requests ?? 10))),
          requests,
          insights_generated: maybe(Math.floor(random() * 4)),
          research_cycles: maybe(Math.floor(random() * 3)),
          cpu_usage: maybe(random() * 120),
          memory_usage: maybe(200 + random() * 800),
          input_tokens: maybe(Math.floor(random() * 5000)),
          output_tokens: maybe(Math.floor(random() * 800)),
        });
      };
      const windows = () => [at(-300_000), at(-300_000 + 0.5), at(-299_999), at(-61_234), at(-3_600_000), at(-40 * 60_000 - 17), at(-1)];
      for (let round = 0; round < 12; round++) {
        // Live samples of the last minutes, some late, some backfilled from up to an hour ago, in shuffled order.
        const batch = Array.from({ length: 150 }, () => make(round % 3 === 2 ? -random() * 3_600_000 : -random() * 360_000));
        if (round % 2 === 1) batch.reverse();
        await store.samples.insert(batch, at(0));
        stored.push(...batch);
        for (const since of windows()) expectSameAggregates(await store.samples.windowAggregates(since), reference(stored, since), `round ${round} since ${since}`, 10);
      }
      // Pruning takes rows away; what remains is still counted exactly.
      await store.rollups.update();
      await store.maintenance.prune({ rawBeforeIso: at(-200_000), fiveMinuteBeforeIso: at(-9e9), hourlyBeforeIso: at(-9e9), findingsBeforeIso: at(-9e9) });
      const kept = stored.filter((s) => s.timestamp >= at(-200_000));
      for (const since of windows()) expectSameAggregates(await store.samples.windowAggregates(since), reference(kept, since), `after pruning, since ${since}`, 10);
    });
  });

  describe('rollups and pruning', () => {
    it('folds samples into 5-minute buckets once, and prunes only what has been folded', async () => {
      const old = -2 * 86_400_000;
      await store.samples.insert([sample('a', old, { response_time: 1, requests: 10 }), sample('a', old + 60_000, { response_time: 3, requests: 20 })], at(0));
      expect((await store.maintenance.prune({ rawBeforeIso: at(-86_400_000), fiveMinuteBeforeIso: at(-9e9), hourlyBeforeIso: at(-9e9), findingsBeforeIso: at(-9e9) })).agent_performance_history).toBe(0);
      expect((await store.rollups.update()).samples).toBe(2);
      expect((await store.rollups.update()).samples).toBe(0);
      const [bucket] = await store.rollups.agentSeries({ resolution: 300, sinceIso: at(old - 300_000), limit: 10, agentName: 'a' });
      expect(bucket).toMatchObject({ agent_name: 'a', response_time: 2, requests: 30, samples: 2 });
      const pruned = await store.maintenance.prune({ rawBeforeIso: at(-86_400_000), fiveMinuteBeforeIso: at(-9e9), hourlyBeforeIso: at(-9e9), findingsBeforeIso: at(-9e9) });
      expect(pruned.agent_performance_history).toBe(2);
      expect(await store.rollups.agentSeries({ resolution: 300, sinceIso: at(old - 300_000), limit: 10 })).toHaveLength(1);
    });

    it('keeps which version each agent ran when, whatever the order the samples arrive in', async () => {
      // A rollback (1.0 → 1.1 → 1.0), an upgrade, and a second version stamped at the same instant.
      const stamped: Array<[number, string]> = [[0, '1.0'], [1, '1.1'], [2, '1.0'], [3, '1.0'], [3, '0.9'], [4, '1.2']];
      const rows = stamped.map(([minute, version]) => sample('a', (minute - 8) * 60_000, { version }));
      const expected = [
        { at: at(-8 * 60_000), from: null, to: '1.0' },
        { at: at(-7 * 60_000), from: '1.0', to: '1.1' },
        { at: at(-6 * 60_000), from: '1.1', to: '1.0' },
        { at: at(-4 * 60_000), from: '1.0', to: '1.2' },
      ];
      const permutations = (items: number[]): number[][] =>
        items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
      // One agent per order; each agent's samples arrive one per request, so each after the ones
      // before it (a request carries the next sample of every agent).
      const orders = permutations(rows.map((_, i) => i));
      for (let step = 0; step < rows.length; step++) {
        await store.samples.insert(orders.map((order, n) => ({ ...rows[order[step]!]!, agent_name: `a${n}` })), at(0));
      }
      for (const [n, order] of orders.entries()) {
        const changes = await store.samples.versionChanges({ agentName: `a${n}`, sinceIso: at(-86_400_000), limit: 10 });
        expect(changes, `order ${order.join(',')}`).toEqual(expected.map((c) => ({ ...c, agent_name: `a${n}` })));
      }
      expect(await store.samples.versionChanges({ sinceIso: at(-4 * 60_000), limit: 1000 })).toHaveLength(orders.length);
    });

    it('folds each row once when folds overlap (a health tick during a backfill catch-up)', async () => {
      const start = -2 * 86_400_000;
      const rows = Array.from({ length: 6000 }, (_, i) => sample('a', start + i * 1000, { requests: 1 }));
      await store.samples.insert(rows, at(0));
      const folds = await Promise.all([store.rollups.update(), store.rollups.update(), store.rollups.update()]);
      expect(folds[0]!.samples).toBe(6000);
      expect((await store.rollups.update()).samples).toBe(0);
      const buckets = await store.rollups.agentSeries({ resolution: 3600, sinceIso: at(start - 3_600_000), limit: 10, agentName: 'a' });
      expect(buckets.reduce((sum, b) => sum + (b.requests ?? 0), 0)).toBe(6000);
    });
  });
}
