import type { SystemMetrics } from '../../domain/system-metrics.js';
import type { Db } from './open-db.js';

/** How far back the tail reaches from the newest snapshot: a day of charts, with an hour to spare. */
const SPAN_MS = 25 * 3_600_000;
/** The most rows a tail holds (a 1-second health interval makes 90,000 a day: those read from SQL). */
const MAX_ROWS = 20_000;

interface Version {
  data: number;
  min: number | null;
  max: number | null;
}

type Reader = (...params: unknown[]) => SystemMetrics[];

/**
 * The last day of health snapshots kept in memory, newest first. Dashboards ask for
 * `metrics(hours: 24)` again and again, and reading 2,880 rows of 18 columns costs ~5 ms each
 * time. The tail stays true to the database without hooks: each read compares the table's min
 * and max id and SQLite's data_version (which moves when another connection or process
 * commits). Rows appended on top are fetched alone; any other change reloads the tail.
 */
export function createSnapshotTail(db: Db, read: { since: Reader; afterId: Reader; newest: () => SystemMetrics | undefined }) {
  const ids = db.prepare('SELECT min(id) AS min, max(id) AS max FROM system_metrics');
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let tail: readonly SystemMetrics[] = [];
  /** The tail holds every row with timestamp >= from; null when it holds nothing usable. */
  let from: string | null = null;
  let seen: Version = { data: -1, min: null, max: null };

  function current(): Version {
    return { data: dataVersion.get() as number, ...(ids.get() as { min: number | null; max: number | null }) };
  }

  function reload(): void {
    const newest = read.newest();
    from = newest ? new Date(Date.parse(newest.timestamp) - SPAN_MS).toISOString() : '';
    const rows = newest ? read.since(from, MAX_ROWS + 1) : [];
    if (rows.length > MAX_ROWS) {
      tail = [];
      from = null;
    } else tail = rows.map((row) => Object.freeze(row));
  }

  /** Puts rows inserted after the last read on top; false when they are not all newer than the tail. */
  function appendNewer(afterId: number): boolean {
    const added = read.afterId(afterId);
    const oldestAdded = added.at(-1);
    if (from === null || !oldestAdded || (tail.length > 0 && oldestAdded.timestamp < tail[0]!.timestamp)) return false;
    tail = [...added.map((row) => Object.freeze(row)), ...tail];
    from = new Date(Date.parse(tail[0]!.timestamp) - SPAN_MS).toISOString();
    tail = tail.slice(0, countSince(from));
    return tail.length <= MAX_ROWS;
  }

  function sync(): void {
    const now = current();
    if (now.data === seen.data && now.min === seen.min && now.max === seen.max) return;
    const onlyAppended = now.data === seen.data && now.min === seen.min && seen.max !== null && now.max !== null && now.max > seen.max;
    if (!onlyAppended || !appendNewer(seen.max!)) reload();
    seen = now;
  }

  /** How many rows (newest first) are at or after `iso`. */
  function countSince(iso: string): number {
    let low = 0;
    let high = tail.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (tail[mid]!.timestamp >= iso) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  return {
    /** Snapshots at or after `sinceIso`, newest first; undefined when the tail does not reach back that far. */
    list(sinceIso: string, limit: number): SystemMetrics[] | undefined {
      sync();
      if (from === null || sinceIso < from) return undefined;
      return tail.slice(0, Math.min(limit, countSince(sinceIso)));
    },
  };
}
