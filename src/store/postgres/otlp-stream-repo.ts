import { markOfRow, type StreamMark, type StreamMarkRow } from '../../domain/otlp-stream.js';
import type { OtlpStreamRepo } from '../store.js';
import { rows, type Pool } from './pool.js';

export function createPgOtlpStreamRepo(pool: Pool): OtlpStreamRepo {
  return {
    async marks(keys) {
      const found = await rows<StreamMarkRow & { key: string }>(
        pool,
        'SELECT key, start_ns, time_ns, count, sum FROM otlp_streams WHERE key = ANY($1::text[])',
        [keys],
      );
      return new Map<string, StreamMark>(found.map((row) => [row.key, markOfRow(row)]));
    },
  };
}
