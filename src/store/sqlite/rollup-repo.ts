import { COUNT_FIELDS } from '../../domain/sample.js';
import { ROLLUP_RESOLUTIONS, type RolledSample, type RolledSystemMetrics, type RollupRepo } from '../store.js';
import type { Db } from './open-db.js';
import { rowReader } from './rows.js';
import { AGENT_ROLLUP, rollupInsertSql, rollupSelectSql, SYSTEM_ROLLUP, type RollupSpec } from './rollup-sql.js';

/** Rows folded per transaction; small enough that one step never holds the event loop long. */
const CHUNK = 20_000;
const AGENT_SUMS: readonly string[] = COUNT_FIELDS;
// Each snapshot already totals its window, so a bucket of snapshots reads as their mean.
const SYSTEM_SUMS: string[] = [];

export function createRollupRepo(db: Db): RollupRepo {
  const getCursor = db.prepare('SELECT last_id FROM rollup_cursors WHERE name = ?').pluck();
  const setCursor = db.prepare(
    'INSERT INTO rollup_cursors (name, last_id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id',
  );

  function folder(spec: RollupSpec) {
    const insert = db.prepare(rollupInsertSql(spec));
    const maxId = db.prepare(`SELECT MAX(id) FROM ${spec.source}`).pluck();
    const step = db.transaction((from: number, to: number) => {
      for (const resolution of ROLLUP_RESOLUTIONS) insert.run({ resolution, from, to });
      setCursor.run(spec.name, to);
    });
    return async (): Promise<number> => {
      let from = (getCursor.get(spec.name) as number | undefined) ?? 0;
      const last = (maxId.get() as number | null) ?? 0;
      const total = Math.max(0, last - from);
      while (from < last) {
        const to = Math.min(last, from + CHUNK);
        step.immediate(from, to);
        from = to;
        if (from < last) await new Promise((resolve) => setImmediate(resolve));
      }
      return total;
    };
  }

  const foldSamples = folder(AGENT_ROLLUP);
  const foldSnapshots = folder(SYSTEM_ROLLUP);
  // The same keys as raw rows: a bucket has no id or source, and its window is its size.
  const agentAll = rowReader<RolledSample>(db.prepare(rollupSelectSql(AGENT_ROLLUP, AGENT_SUMS, false, ', NULL AS source')));
  const agentOne = rowReader<RolledSample>(db.prepare(rollupSelectSql(AGENT_ROLLUP, AGENT_SUMS, true, ', NULL AS source')));
  const system = rowReader<RolledSystemMetrics>(
    db.prepare(rollupSelectSql(SYSTEM_ROLLUP, SYSTEM_SUMS, false, ', resolution AS window_seconds, NULL AS load_average, NULL AS disk_used_percent')),
  );

  return {
    async update() {
      return { samples: await foldSamples(), snapshots: await foldSnapshots() };
    },
    async agentSeries({ resolution, sinceIso, limit, agentName }) {
      return agentName ? agentOne({ resolution, since: sinceIso, limit, key: agentName }) : agentAll({ resolution, since: sinceIso, limit });
    },
    async systemSeries({ resolution, sinceIso, limit }) {
      return system({ resolution, since: sinceIso, limit });
    },
  };
}
