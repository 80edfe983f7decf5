import type { StreamMark } from '../../domain/otlp-stream.js';
import type { OtlpStreamRepo } from '../store.js';
import { rows, type Pool } from './pool.js';

export function createPgOtlpStreamRepo(pool: Pool): OtlpStreamRepo {
  return {
    async marks(keys) {
      const found = await rows<{ key: string; start_ns: string; time_ns: string; count: number; sum: number }>(
        pool,
        'SELECT key, start_ns, time_ns, count, sum FROM otlp_streams WHERE key = ANY($1::text[])',
        [keys],
      );
      return new Map<string, StreamMark>(found.map((row) => [row.key, { startNs: row.start_ns, timeNs: row.time_ns, count: row.count, sum: row.sum }]));
    },
  };
}
