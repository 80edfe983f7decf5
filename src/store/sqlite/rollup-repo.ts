import { COUNT_FIELDS } from '../../domain/sample.js';
import { ROLLUP_RESOLUTIONS, type RolledSample, type RolledSystemMetrics, type RollupRepo } from '../store.js';
import type { Db } from './open-db.js';
import { rowReader } from './rows.js';
import { AGENT_ROLLUP, rollupInsertSql, rollupSelectSql, SYSTEM_ROLLUP, type RollupSpec } from './rollup-sql.js';

/**
 * Each fold step is one transaction sized to hold the event loop about STEP_MS: a row costs
 * from ~1 µs (live data, many rows per bucket) to ~20 µs (a backfill, every row its own bucket).
 */
const STEP_MS = 10;
const MIN_CHUNK = 500;
const MAX_CHUNK = 50_000;
const AGENT_SUMS: readonly string[] = COUNT_FIELDS;
// Each snapshot already totals its window, so a bucket of snapshots reads as their mean.
const SYSTEM_SUMS: string[] = [];

export interface RollupFold {
  /** Folds every row committed since the last fold into the rollups, in steps that yield. */
  update(): Promise<{ samples: number; snapshots: number }>;
}

/**
 * The write side of the rollups: on the sample writer's thread when it has one, so folding never
 * waits for its lock. Between two steps it waits for `between` (there: until no sample waits to
 * be written, so a fold never holds up ingestion for longer than one step).
 */
export function createRollupFold(db: Db, between: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve))): RollupFold {
  const getCursor = db.prepare('SELECT last_id FROM rollup_cursors WHERE name = ?').pluck();
  const setCursor = db.prepare(
    'INSERT INTO rollup_cursors (name, last_id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id',
  );

  function folder(spec: RollupSpec) {
    const insert = db.prepare(rollupInsertSql(spec));
    const maxId = db.prepare(`SELECT MAX(id) FROM ${spec.source}`).pluck();
    // The cursor is read inside the step's transaction, so no row is ever folded twice.
    const step = db.transaction((chunk: number, last: number): number => {
      const from = (getCursor.get(spec.name) as number | undefined) ?? 0;
      const to = Math.min(last, from + chunk);
      if (to <= from) return 0;
      for (const resolution of ROLLUP_RESOLUTIONS) insert.run({ resolution, from, to });
      setCursor.run(spec.name, to);
      return to - from;
    });
    return async (): Promise<number> => {
      const last = (maxId.get() as number | null) ?? 0;
      let total = 0;
      let chunk = 2_000;
      for (;;) {
        const started = performance.now();
        const folded = step.immediate(chunk, last);
        if (folded === 0) return total;
        total += folded;
        // At most double per step: live rows cost ~1 µs, backfilled ones up to 20 µs, and the next step may be the other kind.
        const scaled = (chunk * STEP_MS) / Math.max(performance.now() - started, 1);
        chunk = Math.round(Math.min(MAX_CHUNK, 2 * chunk, Math.max(MIN_CHUNK, scaled)));
        await between();
      }
    };
  }

  const foldSamples = folder(AGENT_ROLLUP);
  const foldSnapshots = folder(SYSTEM_ROLLUP);
  type Folded = { samples: number; snapshots: number };
  const foldAll = async (): Promise<Folded> => ({ samples: await foldSamples(), snapshots: await foldSnapshots() });
  // One fold at a time. A caller must find every row committed before its call folded, and a
  // fold already running may have started before them: so one more fold runs after it, shared
  // by every caller that arrives until it starts.
  let last: Promise<unknown> = Promise.resolve();
  let next: Promise<Folded> | undefined;
  return {
    update() {
      if (!next) {
        next = last.then(
          () => ((next = undefined), foldAll()),
          () => ((next = undefined), foldAll()),
        );
        last = next.catch(() => {});
      }
      return next;
    },
  };
}

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
