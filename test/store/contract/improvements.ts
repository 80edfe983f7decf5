import { beforeEach, describe, expect, it } from 'vitest';
import { fingerprintOf, ProblemFamily } from '../../../src/domain/problem.js';
import type { Store } from '../../../src/store/store.js';
import { at, draft, finding, T0 } from './fixtures.js';

/** Improvements (their moves, leases and conflicts) and findings. */
export function improvementsContract(open: () => Store) {
  let store: Store;
  beforeEach(() => {
    store = open();
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
}
