import { markOfRow, type StreamMark, type StreamMarkRow } from '../../domain/otlp-stream.js';
import type { OtlpStreamRepo } from '../store.js';
import type { Db } from './open-db.js';

type Row = StreamMarkRow & { key: string };

/** SQLite allows 32,766 bound parameters; an export's streams are read in chunks well below that. */
const CHUNK = 500;

export function createOtlpStreamRepo(db: Db): OtlpStreamRepo {
  const statements = new Map<number, ReturnType<Db['prepare']>>();
  const select = (n: number) => {
    let statement = statements.get(n);
    if (!statement) {
      statement = db.prepare(`SELECT key, start_ns, time_ns, count, sum FROM otlp_streams WHERE key IN (${Array(n).fill('?').join(', ')})`);
      statements.set(n, statement);
    }
    return statement;
  };
  return {
    async marks(keys) {
      const marks = new Map<string, StreamMark>();
      for (let i = 0; i < keys.length; i += CHUNK) {
        const chunk = keys.slice(i, i + CHUNK);
        for (const row of select(chunk.length).all(chunk) as Row[]) marks.set(row.key, markOfRow(row));
      }
      return marks;
    },
  };
}
