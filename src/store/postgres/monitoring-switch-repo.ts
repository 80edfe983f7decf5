import type { MonitoringSwitch, MonitoringSwitchRepo } from '../store.js';
import { one, type Pool } from './pool.js';

export function createPgMonitoringSwitchRepo(pool: Pool): MonitoringSwitchRepo {
  return {
    get: () => one<MonitoringSwitch>(pool, 'SELECT active, changed_at, changed_by FROM monitoring_switch WHERE id = 1'),
    async set(state) {
      await pool.query(
        `INSERT INTO monitoring_switch (id, active, changed_at, changed_by) VALUES (1, $1, $2, $3)
          ON CONFLICT (id) DO UPDATE SET active = excluded.active, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
        [state.active, state.changed_at, state.changed_by],
      );
    },
  };
}
