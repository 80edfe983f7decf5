import { beforeEach, describe, expect, it } from 'vitest';
import type { Silence } from '../../../src/domain/silence.js';
import type { Store } from '../../../src/store/store.js';
import { at } from './fixtures.js';

/** Silences with their audit trail, findings' silences, agents' events and pruning them. */
export function silencesContract(open: () => Store) {
  let store: Store;
  beforeEach(() => {
    store = open();
  });

  const silence = (id: string, startsAt: number, endsAt: number): Silence => ({
    id,
    matchers: [{ name: 'agent', value: 'batch_.*', isRegex: true, isEqual: true }],
    startsAt: at(startsAt),
    endsAt: at(endsAt),
    createdBy: 'alice',
    comment: 'nightly',
    origin: 'manual',
    updatedAt: at(0),
  });
  const created = (id: string) => ({ silence_id: id, action: 'created' as const, at: at(0), actor: 'alice', reason: 'nightly' });

  describe('silences', () => {
    it('reads back as written, current ones by end, ended ones latest first', async () => {
      await store.silences.create(silence('a', 0, 5000), created('a'));
      await store.silences.create(silence('b', 0, 3000), created('b'));
      await store.silences.create(silence('c', 0, 1000), created('c'));
      expect(await store.silences.get('a')).toEqual(silence('a', 0, 5000));
      expect(await store.silences.get('nope')).toBeUndefined();
      expect((await store.silences.current(at(2000))).map((s) => s.id)).toEqual(['b', 'a']);
      expect((await store.silences.ended(at(4000), 10)).map((s) => s.id)).toEqual(['b', 'c']);
      expect((await store.silences.ended(at(4000), 1)).map((s) => s.id)).toEqual(['b']);
    });

    it('reschedules only one not yet ended, auditing each change in order', async () => {
      await store.silences.create(silence('a', 0, 5000), created('a'));
      const expire = { silence_id: 'a', action: 'expired' as const, at: at(2000), actor: 'bob', reason: 'done' };
      const moved = await store.silences.reschedule('a', { startsAt: at(0), endsAt: at(2000) }, expire);
      expect(moved).toMatchObject({ id: 'a', endsAt: at(2000), updatedAt: at(2000) });
      expect(await store.silences.reschedule('a', { startsAt: at(0), endsAt: at(9000) }, { ...expire, at: at(3000) })).toBeUndefined();
      expect(await store.silences.reschedule('nope', { startsAt: at(0), endsAt: at(9000) }, expire)).toBeUndefined();
      expect(await store.silences.events('a')).toEqual([created('a'), expire]);
    });

    it('prunes silences, their trail and agents\' events with the findings\' retention', async () => {
      await store.silences.create(silence('old', 0, 1000), created('old'));
      await store.silences.create(silence('new', 0, 9000), created('new'));
      await store.agentEvents.record({ agent_name: 'a', kind: 'deploy', version: '2', at: at(500), recorded_at: at(500), actor: 'ci', silence_id: 'old' });
      const pruned = await store.maintenance.prune({ rawBeforeIso: at(0), fiveMinuteBeforeIso: at(0), hourlyBeforeIso: at(0), findingsBeforeIso: at(5000) });
      expect(pruned).toMatchObject({ silences: 1, silence_events: 1, agent_events: 1 });
      expect(await store.silences.get('old')).toBeUndefined();
      expect(await store.silences.events('old')).toEqual([]);
      expect(await store.silences.get('new')).toBeDefined();
    });
  });

  it("records agents' events and lists them newest first, by agent", async () => {
    const e = (agent: string, ms: number) => ({ agent_name: agent, kind: 'deploy' as const, version: null, at: at(ms), recorded_at: at(ms), actor: 'ci', silence_id: null });
    const first = await store.agentEvents.record(e('a', 1000));
    expect(first).toEqual({ id: expect.any(Number), ...e('a', 1000) });
    await store.agentEvents.record(e('b', 2000));
    await store.agentEvents.record(e('a', 3000));
    expect((await store.agentEvents.list({ sinceIso: at(0), limit: 10 })).map((x) => `${x.agent_name}@${x.at}`)).toEqual([`a@${at(3000)}`, `b@${at(2000)}`, `a@${at(1000)}`]);
    expect((await store.agentEvents.list({ agentName: 'a', sinceIso: at(2000), limit: 10 })).map((x) => x.at)).toEqual([at(3000)]);
  });

  it('keeps which silences covered a finding, replaced on each upsert', async () => {
    const finding = {
      kind: 'threshold' as const, agent_name: 'a', metric: 'response_time', severity: 'warning' as const, score: 1, started_at: at(0), ended_at: at(1000),
      value: 40, expected: 30, message: 'slow', details: { direction: 'above', threshold: 30, clear_at: 27, points: 3, worst: 40, latest: 40, duration_seconds: 60, active: true } as never, episode_key: 'k',
    };
    expect((await store.findings.upsert([finding], at(1000)))[0]!.silenced_by).toEqual([]);
    expect((await store.findings.upsert([{ ...finding, silenced_by: ['s1', 's2'] }], at(2000)))[0]!.silenced_by).toEqual(['s1', 's2']);
    expect((await store.findings.list({ sinceIso: at(0), limit: 10 }))[0]!.silenced_by).toEqual(['s1', 's2']);
  });
}
