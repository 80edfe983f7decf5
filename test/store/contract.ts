import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FindingDraft } from '../../src/domain/finding.js';
import type { ImprovementDraft } from '../../src/domain/improvement.js';
import { fingerprintOf, ProblemFamily } from '../../src/domain/problem.js';
import type { AgentSample } from '../../src/domain/sample.js';
import type { SystemMetrics } from '../../src/domain/system-metrics.js';
import type { Store } from '../../src/store/store.js';

/**
 * What every Store must do, through its interface only: each repo's behaviour, ordering, limits,
 * transactions and conflict rules. Run against each implementation (sqlite-contract.test.ts).
 */
export function storeContract(name: string, open: () => Promise<Store>) {
  const T0 = Date.parse('2026-11-25T12:00:00.000Z');
  const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
  const sample = (agent: string, offsetMs: number, fields: Partial<AgentSample> = {}): AgentSample => ({
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
  const snapshot = (offsetMs: number, score: number): SystemMetrics => ({
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
  const draft = (agent: string, family: ProblemFamily = ProblemFamily.latency): ImprovementDraft => ({
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
  const finding = (agent: string, key: string, endedOffset: number, value = 45): FindingDraft => ({
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

  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
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

    describe('improvements', () => {
      it('numbers new ones per second, lists them newest first and counts every status', async () => {
        const a = await store.improvements.create(draft('a'), at(0), 'analyst');
        const b = await store.improvements.create(draft('b'), at(500), 'analyst');
        const c = await store.improvements.create(draft('c'), at(1000), 'analyst');
        const seconds = Math.floor(T0 / 1000);
        expect([a.id, b.id, c.id]).toEqual([`improvement_${seconds}_1`, `improvement_${seconds}_2`, `improvement_${seconds + 1}_1`]);
        expect(a).toMatchObject({ status: 'pending', problem_family: ProblemFamily.latency, fingerprint: 'a:response_time:high', evidence: [1, 2], occurrences: 1 });
        expect((await store.improvements.list()).map((i) => i.id)).toEqual([c.id, b.id, a.id]);
        expect(await store.improvements.countByStatus()).toEqual({ pending: 3, approved: 0, rejected: 0, in_progress: 0, completed: 0, failed: 0 });
        expect((await store.improvements.events(a.id)).map((e) => [e.from_status, e.to_status, e.actor])).toEqual([[null, 'pending', 'analyst']]);
      });

      it('moves a status only from an allowed one, with the patch and an audit row, atomically', async () => {
        const { id } = await store.improvements.create(draft('a'), at(0), 'analyst');
        const refused = await store.improvements.transition({ id, from: ['approved'], to: 'in_progress', actor: 'w', reason: null, at: at(1000) });
        expect(refused).toEqual({ ok: false, current: 'pending' });
        expect(await store.improvements.transition({ id: 'nope', from: ['pending'], to: 'approved', actor: 'x', reason: null, at: at(1000) })).toEqual({ ok: false, current: null });
        const moved = await store.improvements.transition({ id, from: ['pending'], to: 'approved', actor: 'op', reason: 'go', at: at(2000), patch: { decided_by: 'op', assigned_agent: 'code_editor' } });
        expect(moved.ok && moved.improvement).toMatchObject({ status: 'approved', decided_by: 'op', assigned_agent: 'code_editor', updated_at: at(2000) });
        expect((await store.improvements.events(id)).map((e) => [e.from_status, e.to_status, e.reason])).toEqual([
          [null, 'pending', 'suggested'],
          ['pending', 'approved', 'go'],
        ]);
      });

      it('lets exactly one of many concurrent movers win', async () => {
        const { id } = await store.improvements.create(draft('a'), at(0), 'analyst');
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.improvements.transition({ id, from: ['pending'], to: i % 2 ? 'approved' : 'rejected', actor: `op${i}`, reason: null, at: at(1000) })),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(await store.improvements.events(id)).toHaveLength(2);
      });

      it('guards lease moves and patches by status and lease holder', async () => {
        const { id } = await store.improvements.create(draft('a'), at(0), 'analyst');
        await store.improvements.transition({ id, from: ['pending'], to: 'approved', actor: 'op', reason: null, at: at(1000) });
        await store.improvements.transition({ id, from: ['approved'], to: 'in_progress', actor: 'w1', reason: null, at: at(2000), patch: { lease_owner: 'w1', lease_expires_at: at(60_000) } });
        expect(await store.improvements.patch(id, { lease_expires_at: at(90_000) }, at(3000), { status: 'in_progress', leaseOwner: 'w2' })).toBeUndefined();
        expect((await store.improvements.patch(id, { lease_expires_at: at(90_000) }, at(3000), { status: 'in_progress', leaseOwner: 'w1' }))?.lease_expires_at).toBe(at(90_000));
        const stolen = await store.improvements.transition({ id, from: ['in_progress'], to: 'completed', actor: 'w2', reason: null, at: at(4000), leaseOwner: 'w2' });
        expect(stolen).toEqual({ ok: false, current: 'in_progress' });
        expect((await store.improvements.expiredLeases(at(80_000))).map((i) => i.id)).toEqual([]);
        expect((await store.improvements.expiredLeases(at(100_000))).map((i) => i.id)).toEqual([id]);
      });

      it('holds one open suggestion per problem: a second, even raised concurrently, is a conflict until the first is closed', async () => {
        const raised = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.improvements.create(draft('a'), at(i), 'analyst')));
        expect(raised.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const refused of raised.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(refused.reason).toMatchObject({ code: 'CONFLICT' });
        const open = (raised.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ id: string }>).value;
        await store.improvements.create(draft('b'), at(10), 'analyst'); // another problem is not held up
        await store.improvements.transition({ id: open.id, from: ['pending'], to: 'rejected', actor: 'op', reason: 'no', at: at(20) });
        expect((await store.improvements.create(draft('a'), at(30), 'analyst')).status).toBe('pending');
      });

      it('finds the latest for a problem, completed work due for verification, and the track record of a family', async () => {
        const first = await store.improvements.create(draft('a'), at(0), 'analyst');
        await store.improvements.transition({ id: first.id, from: ['pending'], to: 'approved', actor: 'op', reason: null, at: at(1000) });
        await store.improvements.transition({ id: first.id, from: ['approved'], to: 'in_progress', actor: 'w', reason: null, at: at(2000), patch: { lease_owner: 'w' } });
        await store.improvements.transition({ id: first.id, from: ['in_progress'], to: 'completed', actor: 'w', reason: null, at: at(3000), leaseOwner: 'w', patch: { completion_time: at(3000), outcome: 'improved' } });
        const second = await store.improvements.create(draft('a'), at(5000), 'analyst');
        await store.improvements.create(draft('b', ProblemFamily.failures), at(6000), 'analyst');
        expect((await store.improvements.latestByFingerprint(fingerprintOf('a', ProblemFamily.latency)))?.id).toBe(second.id);
        const id = second.id;
        await store.improvements.transition({ id, from: ['pending'], to: 'approved', actor: 'op', reason: null, at: at(7000) });
        await store.improvements.transition({ id, from: ['approved'], to: 'in_progress', actor: 'w', reason: null, at: at(8000), patch: { lease_owner: 'w' } });
        await store.improvements.transition({ id, from: ['in_progress'], to: 'completed', actor: 'w', reason: null, at: at(9000), leaseOwner: 'w', patch: { completion_time: at(9000), outcome: null } });
        expect((await store.improvements.completedBefore(at(9000))).map((i) => i.id)).toEqual([second.id]);
        expect(await store.improvements.completedBefore(at(8999))).toEqual([]);
        expect(await store.improvements.trackRecord(ProblemFamily.latency)).toEqual({ improved: 1, no_effect: 0, regressed: 0 });
        expect(await store.improvements.trackRecord(ProblemFamily.failures)).toEqual({ improved: 0, no_effect: 0, regressed: 0 });
        expect((await store.improvements.eventsSince(at(0), 2)).map((e) => [e.improvement_id, e.to_status])).toEqual([[second.id, 'completed'], [second.id, 'in_progress']]);
      });
    });

    describe('findings', () => {
      it('inserts new episodes and updates known ones by episode key, listed newest first with filters', async () => {
        const [a] = await store.findings.upsert([finding('a', 'k1', 1000)], at(1000));
        await store.findings.upsert([finding('b', 'k2', 2000)], at(2000));
        const [again] = await store.findings.upsert([finding('a', 'k1', 3000, 50)], at(3000));
        expect(again!.id).toBe(a!.id);
        expect(again).toMatchObject({ value: 50, ended_at: at(3000), created_at: at(1000), updated_at: at(3000) });
        expect((await store.findings.list({ sinceIso: at(0), limit: 10 })).map((f) => f.episode_key)).toEqual(['k1', 'k2']);
        expect((await store.findings.list({ agentName: 'b', sinceIso: at(0), limit: 10 })).map((f) => f.episode_key)).toEqual(['k2']);
        expect(await store.findings.list({ kind: 'leak', sinceIso: at(0), limit: 10 })).toEqual([]);
        expect(await store.findings.list({ sinceIso: at(2500), limit: 10 })).toHaveLength(1);
      });
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

      function expectSame(actual: Map<string, unknown>, expected: Map<string, Record<string, number | null>>, context: string) {
        expect([...actual.keys()].sort(), context).toEqual([...expected.keys()].sort());
        for (const [agent, want] of expected) {
          const got = actual.get(agent) as Record<string, number | null>;
          for (const [key, value] of Object.entries(want)) {
            if (value === null || Number.isInteger(value)) expect(got[key], `${context} ${agent}.${key}`).toBe(value);
            else expect(got[key]! / value, `${context} ${agent}.${key}`).toBeCloseTo(1, 10);
          }
        }
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
          for (const since of windows()) expectSame(await store.samples.windowAggregates(since), reference(stored, since), `round ${round} since ${since}`);
        }
        // Pruning takes rows away; what remains is still counted exactly.
        await store.rollups.update();
        await store.maintenance.prune({ rawBeforeIso: at(-200_000), fiveMinuteBeforeIso: at(-9e9), hourlyBeforeIso: at(-9e9), findingsBeforeIso: at(-9e9) });
        const kept = stored.filter((s) => s.timestamp >= at(-200_000));
        for (const since of windows()) expectSame(await store.samples.windowAggregates(since), reference(kept, since), `after pruning, since ${since}`);
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

    describe('deliveries and notification state', () => {
      it('keeps every attempt newest first, summarised per target', async () => {
        const attempt = (n: number, ok: boolean) => ({ kind: 'notification' as const, target: 'channel:log', subject: 'k', attempt: n, at: at(n * 1000), ok, status_code: ok ? 200 : 500, error: ok ? null : 'boom', duration_ms: 5 });
        await store.deliveries.record(attempt(1, false));
        await store.deliveries.record(attempt(2, true));
        expect((await store.deliveries.list(at(0), 10)).map((d) => d.attempt)).toEqual([2, 1]);
        expect(await store.deliveries.summary(at(0))).toEqual([expect.objectContaining({ target: 'channel:log', delivered: 1, failed: 1, last_error: 'boom' })]);
      });

      it('replaces the state of a notification key only if nobody changed it since it was read', async () => {
        const first = { key: 'k', state: 'problem:critical', last_sent_at: at(0), changes: [at(0)], flapping: false };
        const second = { key: 'k', state: 'resolved', last_sent_at: at(1000), changes: [at(0), at(1000)], flapping: true };
        expect(await store.notificationState.get('k')).toBeUndefined();
        expect(await store.notificationState.replace(undefined, first)).toBe(true);
        // A second writer that also read "nothing stored" loses.
        expect(await store.notificationState.replace(undefined, { ...first, state: 'problem:warning' })).toBe(false);
        expect(await store.notificationState.replace(first, second)).toBe(true);
        // So does one that read the state before that change.
        expect(await store.notificationState.replace(first, { ...second, state: 'problem:info' })).toBe(false);
        expect(await store.notificationState.get('k')).toEqual(second);
        const never = { key: 'never-sent', state: 'resolved', last_sent_at: null, changes: [], flapping: false };
        expect(await store.notificationState.replace(undefined, never)).toBe(true);
        expect(await store.notificationState.replace(never, { ...never, state: 'problem:info' })).toBe(true);
      });
    });

    it('keeps the monitoring switch: unset at first, then as last set', async () => {
      expect(await store.monitoring.get()).toBeUndefined();
      await store.monitoring.set({ active: false, changed_at: at(0), changed_by: 'alice' });
      await store.monitoring.set({ active: true, changed_at: at(1000), changed_by: 'bob' });
      expect(await store.monitoring.get()).toEqual({ active: true, changed_at: at(1000), changed_by: 'bob' });
    });

    it('describes itself with row counts, counted now or moments later', async () => {
      await store.samples.insert([sample('a', 0)], at(0));
      // A store may count on another thread: a report that finds its count old asks for a new one.
      const deadline = Date.now() + 10_000;
      let info = await store.info();
      while (info.rows.agent_performance_history !== 1 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        info = await store.info();
      }
      expect(info.rows).toMatchObject({ agents: 1, agent_performance_history: 1 });
      expect(Date.parse(info.rows_counted_at!)).toBeGreaterThan(Date.now() - 60_000);
      expect(info.schema_version).toBeGreaterThan(0);
    });
  });
}
