import { describe, expect, it } from 'vitest';
import { followMonitoringSwitch } from '../../src/cluster/monitoring-switch.js';
import { silentLogger } from '../../src/logger.js';
import type { MonitoringSwitch } from '../../src/store/store.js';

/** A switch whose reads answer only when released, the newest first (a slow read overtaken), each with the value stored when it was asked. */
function slowSwitch(initial: boolean) {
  let stored: MonitoringSwitch = { active: initial, changed_at: '2026-12-03T00:00:00.000Z', changed_by: 'test' };
  const pending: Array<() => void> = [];
  return {
    repo: {
      get: () => {
        const answer = { ...stored };
        return new Promise<MonitoringSwitch>((resolve) => pending.push(() => resolve(answer)));
      },
      set: async (next: MonitoringSwitch) => {
        stored = next;
      },
    },
    releaseAll: async () => {
      while (pending.length > 0) {
        pending.pop()!();
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

function scheduler(active: boolean) {
  const calls: string[] = [];
  return {
    calls,
    start: () => {
      active = true;
      calls.push('start');
    },
    stop: () => {
      active = false;
      calls.push('stop');
    },
    isActive: () => active,
  };
}

describe('following the monitoring switch', () => {
  it('never lets a read that started before a change undo it', async () => {
    const sw = slowSwitch(true);
    const jobs = scheduler(true);
    const follower = followMonitoringSwitch(sw.repo, jobs, silentLogger());
    const staleRead = follower.apply(); // a poll: its read sees "active"
    await sw.repo.set({ active: false, changed_at: '2026-12-03T00:00:01.000Z', changed_by: 'alice' });
    const afterStop = follower.apply(); // control/stop, after storing "stopped"
    await sw.releaseAll();
    await Promise.all([staleRead, afterStop]);
    await sw.releaseAll();
    expect(jobs.isActive()).toBe(false);
    expect(jobs.calls).toEqual(['stop']);
  });

  it('does nothing once stopped, even for an apply already reading', async () => {
    const sw = slowSwitch(true);
    const jobs = scheduler(false);
    const follower = followMonitoringSwitch(sw.repo, jobs, silentLogger());
    const reading = follower.apply();
    const stopping = follower.stop();
    await sw.releaseAll();
    await Promise.all([reading, stopping]);
    await follower.apply();
    expect(jobs.calls).toEqual([]);
  });
});
