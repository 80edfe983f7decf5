import type { WindowAggregate } from '../../domain/health.js';
import { addInto, HORIZON_SECONDS, isoOfSecond, SAMPLES, STORED_COLUMNS, toAggregate, WIDTH, type Sums } from '../window-sums.js';
import type { AgentSample } from '../../domain/sample.js';
import { yieldToEventLoop } from '../../yield.js';
import type { Db } from './open-db.js';
import { SecondBuckets } from './second-buckets.js';

const SECOND = 1000;
/** A first build reaches back at most this far before the newest sample; anything older is read from the database. */
const MAX_BUILD_SECONDS = 3600;
/** Past this many buckets (about 160 MB) the fleet is too dense for them: questions go to the database for a while. */
const MAX_BUCKETS = 1_000_000;
const QUESTIONS_BEFORE_RETRY = 20;
const ROWS_PER_CHUNK = 1000;
const FIRST_VALUE = 3;

const secondOf = (iso: string) => Math.floor(Date.parse(iso) / SECOND);

/**
 * The per-agent window aggregates of the health tick, the agent statuses and the reports, kept
 * as one-second buckets of sums and counts in memory and updated with every committed insert,
 * so a tick costs O(agents × seconds in the window) instead of reading every sample of the
 * window. Exactly the SQL aggregates over raw rows: backfilled and late samples land in their
 * own seconds; the part of a window before the buckets (its first partial second, or a report
 * reaching further back) is read from the database.
 *
 * The buckets are built at the first question, from the database, in chunks of rows with a
 * yield to the event loop in between. The build reads the rows committed when it starts; every
 * later insert is added when its commit is confirmed (with the sample writer on its own
 * thread, that confirmation may come after the build has read the row: ids tell). Every
 * database read here walks the time index in (timestamp, id) order, in the same bounded chunks.
 */
export type WindowAggregates = ReturnType<typeof createWindowAggregates>;

export function createWindowAggregates(db: Db, options: { rowsPerChunk?: number } = {}) {
  const rowsPerChunk = options.rowsPerChunk ?? ROWS_PER_CHUNK;
  // Rows are [id, agent_name, timestamp, ...STORED_COLUMNS].
  const select = `SELECT id, agent_name, timestamp, ${STORED_COLUMNS.join(', ')} FROM agent_performance_history INDEXED BY idx_samples_time`;
  const chunkFrom = db.prepare(`${select} WHERE (timestamp, id) > (?, ?) AND id <= ? ORDER BY timestamp, id LIMIT ?`).raw(true);
  const chunkBetween = db.prepare(`${select} WHERE (timestamp, id) > (?, ?) AND timestamp < ? ORDER BY timestamp, id LIMIT ?`).raw(true);
  const newest = db.prepare(`SELECT max(timestamp) FROM agent_performance_history`).pluck();
  const lastId = db.prepare(`SELECT coalesce(max(id), 0) FROM agent_performance_history`).pluck();

  const agents = new Map<string, SecondBuckets>();
  let bucketCount = 0;
  /** Every sample stamped in this second or later is in the buckets; Infinity: none is. */
  let coveredFrom = Infinity;
  /** While a build runs: the second it starts at. */
  let build: { fromSecond: number } | null = null;
  /**
   * The build reads the rows committed when it started, up to this id; `added` brings every
   * later one (ids grow in commit order: one writer), whenever its commit is confirmed.
   */
  let readThroughId = 0;
  let building: Promise<void> | null = null;
  /** Bumped whenever the buckets are thrown away, so a build in flight knows to stop. */
  let generation = 0;
  let questionsUntilRetry = 0;

  function bucket(agent: string, s: number): Sums {
    let seconds = agents.get(agent);
    if (!seconds) agents.set(agent, (seconds = new SecondBuckets(WIDTH)));
    const before = seconds.size;
    const at = seconds.slot(s);
    bucketCount += seconds.size - before;
    return { sums: seconds.sums, at };
  }

  function reset(): void {
    agents.clear();
    bucketCount = 0;
    coveredFrom = Infinity;
    build = null;
    generation += 1;
  }

  function overflowed(): boolean {
    if (bucketCount <= MAX_BUCKETS) return false;
    reset();
    questionsUntilRetry = QUESTIONS_BEFORE_RETRY;
    return true;
  }

  /**
   * Every row stamped in [fromIso, toIso) (toIso null: no end, and ids up to `maxId` only), in
   * (timestamp, id) order, in chunks with a yield between them. `visit` returns false to stop.
   */
  async function scan(fromIso: string, toIso: string | null, visit: (agent: string, timestamp: string, row: unknown[]) => boolean, maxId = Number.MAX_SAFE_INTEGER): Promise<boolean> {
    let cursor: [string, number] = [fromIso, 0];
    for (;;) {
      const rows = (toIso === null ? chunkFrom.all(cursor[0], cursor[1], maxId, rowsPerChunk) : chunkBetween.all(cursor[0], cursor[1], toIso, rowsPerChunk)) as unknown[][];
      for (const row of rows) if (!visit(row[1] as string, row[2] as string, row)) return false;
      if (rows.length < rowsPerChunk) return true;
      const last = rows[rows.length - 1]!;
      cursor = [last[2] as string, last[0] as number];
      await yieldToEventLoop();
    }
  }

  async function runBuild(fromSecond: number): Promise<void> {
    const mine = generation;
    build = { fromSecond };
    readThroughId = lastId.get() as number;
    const complete = await scan(
      isoOfSecond(fromSecond),
      null,
      (agent, timestamp, row) => {
        if (generation !== mine) return false;
        addInto(bucket(agent, secondOf(timestamp)), row, FIRST_VALUE);
        return !overflowed();
      },
      readThroughId,
    );
    if (!complete || generation !== mine) return;
    build = null;
    coveredFrom = fromSecond;
  }

  /** Builds the buckets if there are none, unless the fleet recently proved too dense for them. */
  async function ensureBuilt(first: number): Promise<boolean> {
    while (coveredFrom === Infinity) {
      if (questionsUntilRetry > 0) {
        questionsUntilRetry -= 1;
        return false;
      }
      if (!building) {
        const latest = newest.get() as string | null;
        const floor = latest === null ? first : secondOf(latest) - MAX_BUILD_SECONDS;
        building = runBuild(Math.max(first - HORIZON_SECONDS, Math.min(first, floor))).finally(() => {
          building = null;
        });
      }
      await building;
    }
    return true;
  }

  return {
    /** Once the transaction that stored them committed, with the id of the last of them (they got consecutive ids). */
    added(samples: readonly AgentSample[], lastStoredId: number): void {
      if (coveredFrom === Infinity && !build) return;
      const from = build ? build.fromSecond : coveredFrom;
      const firstId = lastStoredId - samples.length + 1;
      samples.forEach((sample, i) => {
        // A row the build read is in the buckets already.
        if (firstId + i <= readThroughId) return;
        const s = secondOf(sample.timestamp);
        if (s >= from) addInto(bucket(sample.agent_name, s), STORED_COLUMNS.map((c) => sample[c]), 0);
      });
      overflowed();
    },
    /** Rows stamped before `beforeIso` were deleted: if any were in the buckets, start again from the database. */
    pruned(beforeIso: string): void {
      const from = build ? build.fromSecond : coveredFrom;
      if (Math.ceil(Date.parse(beforeIso) / SECOND) > from) reset();
    },
    /** Per agent, over the samples stamped at or after sinceIso. */
    async since(sinceIso: string): Promise<Map<string, WindowAggregate>> {
      const since = Date.parse(sinceIso);
      const first = Math.floor(since / SECOND);
      const totals = new Map<string, number[]>();
      const total = (agent: string) => {
        let sums = totals.get(agent);
        if (!sums) totals.set(agent, (sums = new Array<number>(WIDTH).fill(0)));
        return sums;
      };
      // The part of the window read from the database: [sinceIso, databaseUntil), null for no end.
      let databaseUntil: string | null = null;
      let fromDatabase = true;
      if (await ensureBuilt(first)) {
        // From here to the scan's first chunk nothing else runs: the buckets are one consistent state.
        if (first - HORIZON_SECONDS > coveredFrom) {
          for (const seconds of agents.values()) bucketCount -= seconds.dropBefore(first - HORIZON_SECONDS);
          coveredFrom = first - HORIZON_SECONDS;
        }
        const whole = since === first * SECOND;
        const before = first < coveredFrom;
        for (const [agent, seconds] of agents) {
          if (seconds.size === 0) agents.delete(agent);
          else seconds.addFrom(before ? coveredFrom : first, before || whole, total(agent));
        }
        databaseUntil = before ? isoOfSecond(coveredFrom) : isoOfSecond(first + 1);
        fromDatabase = before || !whole;
      }
      if (fromDatabase) {
        await scan(sinceIso, databaseUntil, (agent, _timestamp, row) => {
          addInto({ sums: total(agent), at: 0 }, row, FIRST_VALUE);
          return true;
        });
      }
      const result = new Map<string, WindowAggregate>();
      for (const [agent, sums] of totals) if (sums[SAMPLES]! > 0) result.set(agent, toAggregate(sums));
      return result;
    },
  };
}
