import { COUNT_FIELDS } from '../../domain/sample.js';
import type { RolledSample, RolledSystemMetrics, RollupRepo } from '../store.js';
import type { Db } from './open-db.js';
import { rowReader } from './rows.js';
import { createRollupFold, type RollupFold } from './rollup-fold.js';
import { AGENT_ROLLUP, SYSTEM_ROLLUP } from '../rollup-sums.js';
import { rollupSelectSql } from './rollup-sql.js';

const AGENT_SUMS: readonly string[] = COUNT_FIELDS;
// Each snapshot already totals its window, so a bucket of snapshots reads as their mean.
const SYSTEM_SUMS: string[] = [];

export function createRollupRepo(db: Db, fold: RollupFold = createRollupFold(db)): RollupRepo {
  // The same keys as raw rows: a bucket has no id or source, and its window is its size.
  const agentAll = rowReader<RolledSample>(db.prepare(rollupSelectSql(AGENT_ROLLUP, AGENT_SUMS, false, ', NULL AS source, NULL AS version')));
  const agentOne = rowReader<RolledSample>(db.prepare(rollupSelectSql(AGENT_ROLLUP, AGENT_SUMS, true, ', NULL AS source, NULL AS version')));
  const system = rowReader<RolledSystemMetrics>(
    db.prepare(rollupSelectSql(SYSTEM_ROLLUP, SYSTEM_SUMS, false, ', resolution AS window_seconds, NULL AS load_average, NULL AS disk_used_percent')),
  );

  return {
    update: () => fold.update(),
    async agentSeries({ resolution, sinceIso, limit, agentName }) {
      return agentName ? agentOne({ resolution, since: sinceIso, limit, key: agentName }) : agentAll({ resolution, since: sinceIso, limit });
    },
    async systemSeries({ resolution, sinceIso, limit }) {
      return system({ resolution, since: sinceIso, limit });
    },
  };
}
