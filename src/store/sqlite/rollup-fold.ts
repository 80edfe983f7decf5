import { addToBuckets, AGENT_ROLLUP, bucketRow, SYSTEM_ROLLUP, type BucketSums, type RollupSpec } from '../rollup-sums.js';
import type { Db } from './open-db.js';
import { whenUnlocked } from './storage-errors.js';
import { rollupReadSql, rollupUpsertSql } from './rollup-sql.js';

/** Rows read per step: a few milliseconds of work, after which the fold yields. */
const READ_ROWS = 2_000;
/**
 * Buckets merged in one transaction at most. Merging a bucket is the expensive part (an
 * upsert), so a fold gathers as many rows per bucket as it can before it writes: 1,000 agents
 * in two resolutions fill 2,000 buckets for any number of their samples. A backfill, where
 * every row is its own bucket, writes after this many.
 */
const MAX_BUCKETS = 4_000;

export interface RollupFold {
  /** Folds every row committed since the last fold into the rollups, in steps that yield. */
  update(): Promise<{ samples: number; snapshots: number }>;
}

/**
 * The write side of the rollups: on the sample writer's thread when it has one, so folding never
 * waits for its lock. Rows past the cursor are read in small steps and summed here per bucket;
 * the sums are then merged into the rollups together with the cursor's move, in one transaction,
 * so no row is ever folded twice or lost. Between two steps the fold waits for `between` (on the
 * writer thread: until no sample waits to be written).
 */
export function createRollupFold(db: Db, between: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve))): RollupFold {
  const getCursor = db.prepare('SELECT last_id FROM rollup_cursors WHERE name = ?').pluck();
  const setCursor = db.prepare(
    'INSERT INTO rollup_cursors (name, last_id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id',
  );

  function folder(spec: RollupSpec) {
    const read = db.prepare(rollupReadSql(spec)).raw();
    const upsert = db.prepare(rollupUpsertSql(spec));
    const maxId = db.prepare(`SELECT MAX(id) FROM ${spec.source}`).pluck();
    /** Merges the partial sums of rows (from, to] and moves the cursor to `to`, unless another fold moved it first. */
    const merge = db.transaction((partials: Map<string, BucketSums>, from: number, to: number): boolean => {
      if (((getCursor.get(spec.name) as number | undefined) ?? 0) !== from) return false;
      for (const bucket of partials.values()) upsert.run(bucketRow(spec, bucket));
      setCursor.run(spec.name, to);
      return true;
    });

    return async (): Promise<number> => {
      const last = (maxId.get() as number | null) ?? 0;
      let total = 0;
      for (;;) {
        const from = (getCursor.get(spec.name) as number | undefined) ?? 0;
        if (from >= last) return total;
        const partials = new Map<string, BucketSums>();
        let to = from;
        let rows = 0;
        // Rows are never changed once stored, so they can be read outside the merge's transaction.
        while (to < last && partials.size < MAX_BUCKETS) {
          const page = read.all(to, last, READ_ROWS) as unknown[][];
          if (page.length === 0) break;
          for (const row of page) addToBuckets(spec, partials, row);
          to = page.at(-1)![0] as number;
          rows += page.length;
          if (page.length < READ_ROWS) break;
          await between();
        }
        if (to === from) return total; // every row up to `last` is gone (removed since)
        if (await whenUnlocked(() => merge.immediate(partials, from, to))) total += rows;
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
