import { ROLLUP_RESOLUTIONS } from '../store.js';
import type { Db } from './open-db.js';
import { whenUnlocked } from './storage-errors.js';
import { AGENT_ROLLUP, rollupReadSql, rollupUpsertSql, SYSTEM_ROLLUP, type RollupSpec } from './rollup-sql.js';

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

/** One bucket's partial sums, in the column order of rollupUpsertSql. */
interface BucketSums {
  resolution: number;
  key: string | null;
  bucketS: number;
  samples: number;
  sums: number[];
  counts: number[];
  extremes: Array<number | null>;
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
    const extremes = spec.metrics.map((m) => m.extreme);
    const width = spec.metrics.length;

    /** Adds one row (id, key?, epoch seconds, ...metrics) to its bucket in every resolution. */
    function add(partials: Map<string, BucketSums>, row: unknown[]): void {
      const offset = spec.key ? 3 : 2;
      const key = spec.key ? (row[1] as string) : null;
      const epochS = row[offset - 1] as number | null;
      if (epochS === null) return; // not a time SQLite can read: no bucket can hold it (ingest never stores one)
      for (const resolution of ROLLUP_RESOLUTIONS) {
        const bucketS = Math.floor(epochS / resolution) * resolution;
        const id = `${resolution}|${bucketS}|${key ?? ''}`;
        let partial = partials.get(id);
        if (!partial) {
          partial = { resolution, key, bucketS, samples: 0, sums: new Array(width).fill(0), counts: new Array(width).fill(0), extremes: new Array(width).fill(null) };
          partials.set(id, partial);
        }
        partial.samples += 1;
        for (let m = 0; m < width; m++) {
          const value = row[offset + m] as number | null;
          if (value === null) continue;
          partial.sums[m]! += value;
          partial.counts[m]! += 1;
          const extreme = extremes[m];
          const held = partial.extremes[m]!;
          if (extreme && (held === null || (extreme === 'max' ? value > held : value < held))) partial.extremes[m] = value;
        }
      }
    }

    /** Merges the partial sums of rows (from, to] and moves the cursor to `to`, unless another fold moved it first. */
    const merge = db.transaction((partials: Map<string, BucketSums>, from: number, to: number): boolean => {
      if (((getCursor.get(spec.name) as number | undefined) ?? 0) !== from) return false;
      for (const p of partials.values()) {
        const values: Array<number | string | null> = [p.resolution, ...(spec.key ? [p.key] : []), new Date(p.bucketS * 1000).toISOString(), p.samples];
        for (let m = 0; m < width; m++) {
          values.push(p.sums[m]!, p.counts[m]!);
          if (extremes[m]) values.push(p.extremes[m]!);
        }
        upsert.run(values);
      }
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
          for (const row of page) add(partials, row);
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
