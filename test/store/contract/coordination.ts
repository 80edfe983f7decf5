import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { at, sample } from './fixtures.js';

/** Deliveries, notification state, the monitoring switch and what the store says of itself. */
export function coordinationContract(open: () => Store) {
  let store: Store;
  beforeEach(() => {
    store = open();
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
}
