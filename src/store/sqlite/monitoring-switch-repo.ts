import type { MonitoringSwitch, MonitoringSwitchRepo } from '../store.js';
import type { Db } from './open-db.js';

export function createMonitoringSwitchRepo(db: Db): MonitoringSwitchRepo {
  const get = db.prepare('SELECT active, changed_at, changed_by FROM monitoring_switch WHERE id = 1');
  const set = db.prepare(`INSERT INTO monitoring_switch (id, active, changed_at, changed_by) VALUES (1, @active, @changed_at, @changed_by)
    ON CONFLICT (id) DO UPDATE SET active = excluded.active, changed_at = excluded.changed_at, changed_by = excluded.changed_by`);
  return {
    async get() {
      const row = get.get() as (Omit<MonitoringSwitch, 'active'> & { active: number }) | undefined;
      return row && { ...row, active: row.active === 1 };
    },
    async set(state) {
      set.run({ ...state, active: state.active ? 1 : 0 });
    },
  };
}
