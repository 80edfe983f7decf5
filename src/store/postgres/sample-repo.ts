import { METRIC_FIELDS, METRIC_RULES, type AgentSample } from '../../domain/sample.js';
import type { SampleRepo, StoredSample } from '../store.js';
import { inTransaction, rows, sameWordsAsSqlite, type Pool } from './pool.js';
import { recomputeVersions, versionChanges } from './version-log.js';
import { addToWindow, windowAggregates } from './window-buckets.js';
import { SAMPLE_WRITE_LOCK } from './sample-lock.js';
import { addToSpan, type AgentSpan } from '../agent-span.js';
import { stillAt, streamMoved, type StreamAdvance } from '../../domain/otlp-stream.js';

const STORED = ['agent_name', 'timestamp', ...METRIC_FIELDS, 'version', 'source'] as const;
const COLUMNS = `id, ${STORED.join(', ')}`;
const ARRAY_TYPES = STORED.map((column) => (column in METRIC_RULES ? (METRIC_RULES[column as keyof typeof METRIC_RULES].integer ? 'bigint[]' : 'float8[]') : 'text[]'));
const INSERT = `INSERT INTO agent_performance_history (${STORED.join(', ')})
  SELECT * FROM unnest(${ARRAY_TYPES.map((type, i) => `$${i + 1}::${type}`).join(', ')})`;


export function createPgSampleRepo(pool: Pool): SampleRepo {
  return {
    async insert(samples, receivedAt, options = {}) {
      const alive = options.alive ?? true;
      try {
        await inTransaction(pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock($1)', [SAMPLE_WRITE_LOCK]);
          if (options.streams?.length) await advanceStreams(client, options.streams, receivedAt);
          await client.query(INSERT, STORED.map((column) => samples.map((sample) => sample[column])));
          await addToWindow(client, samples);
          await registerAgents(client, samples, receivedAt, alive);
          await recomputeVersions(client, earliestVersioned(samples));
        });
      } catch (error) {
        throw sameWordsAsSqlite(error);
      }
    },
    async list(query) {
      return query.agentName
        ? rows<StoredSample>(pool, `SELECT ${COLUMNS} FROM agent_performance_history WHERE agent_name = $1 AND timestamp >= $2 ORDER BY timestamp DESC, id DESC LIMIT $3`, [query.agentName, query.sinceIso, query.limit])
        : rows<StoredSample>(pool, `SELECT ${COLUMNS} FROM agent_performance_history WHERE timestamp >= $1 ORDER BY timestamp DESC, id DESC LIMIT $2`, [query.sinceIso, query.limit]);
    },
    async between(agentName, fromIso, toIso, limit) {
      return rows<StoredSample>(pool, `SELECT ${COLUMNS} FROM agent_performance_history WHERE agent_name = $1 AND timestamp >= $2 AND timestamp < $3 ORDER BY timestamp LIMIT $4`, [agentName, fromIso, toIso, limit]);
    },
    async byAgentSince(sinceIso) {
      const result = new Map<string, AgentSample[]>();
      for (const row of await rows<StoredSample>(pool, `SELECT ${COLUMNS} FROM agent_performance_history WHERE timestamp >= $1 ORDER BY agent_name, timestamp`, [sinceIso])) {
        const list = result.get(row.agent_name);
        if (list) list.push(row);
        else result.set(row.agent_name, [row]);
      }
      return result;
    },
    windowAggregates: (sinceIso) => windowAggregates(pool, sinceIso),
    async versionChanges(query) {
      return versionChanges(pool, query);
    },
  };
}

/** Moves each stream's mark, or throws STREAM_MOVED if one is no longer where it was read (the sample write lock is held). */
async function advanceStreams(client: Pick<Pool, 'query'>, streams: readonly StreamAdvance[], receivedAt: string): Promise<void> {
  const keys = streams.map((s) => s.key);
  const { rows: stored } = await client.query<{ key: string; start_ns: string; time_ns: string }>('SELECT key, start_ns, time_ns FROM otlp_streams WHERE key = ANY($1::text[])', [keys]);
  const byKey = new Map(stored.map((row) => [row.key, row]));
  for (const { key, expected } of streams) if (!stillAt(byKey.get(key), expected)) throw streamMoved(key);
  const column = <T>(pick: (s: StreamAdvance) => T) => streams.map(pick);
  await client.query(
    `INSERT INTO otlp_streams (key, agent_name, metric, start_ns, time_ns, count, sum, updated_at)
      SELECT *, $8 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[])
      ON CONFLICT (key) DO UPDATE SET start_ns = excluded.start_ns, time_ns = excluded.time_ns, count = excluded.count, sum = excluded.sum, updated_at = excluded.updated_at`,
    [keys, column((s) => s.agent), column((s) => s.metric), column((s) => s.next.startNs), column((s) => s.next.timeNs), column((s) => s.next.count), column((s) => s.next.sum), receivedAt],
  );
}

/** Each agent's span in the batch, capped at arrival (liveness follows arrival, as in SQLite), upserted in one statement. */
async function registerAgents(client: Pick<Pool, 'query'>, samples: readonly AgentSample[], receivedAt: string, alive: boolean): Promise<void> {
  const spans = new Map<string, AgentSpan>();
  for (const sample of samples) addToSpan(spans, sample);
  const cap = (iso: string) => (iso > receivedAt ? receivedAt : iso);
  const names = [...spans.keys()];
  const totals = 'sample_count = agents.sample_count + excluded.sample_count, input_tokens_total = agents.input_tokens_total + excluded.input_tokens_total, output_tokens_total = agents.output_tokens_total + excluded.output_tokens_total';
  const update = alive ? `first_seen = LEAST(agents.first_seen, excluded.first_seen), last_seen = GREATEST(agents.last_seen, excluded.last_seen), ${totals}` : totals;
  const span = (name: string) => spans.get(name)!;
  await client.query(
    `INSERT INTO agents (name, first_seen, last_seen, registered_at, sample_count, input_tokens_total, output_tokens_total)
      SELECT name, first_seen, last_seen, $4, n, input_tokens, output_tokens
      FROM unnest($1::text[], $2::text[], $3::text[], $5::bigint[], $6::bigint[], $7::bigint[]) AS s(name, first_seen, last_seen, n, input_tokens, output_tokens)
      ORDER BY name
      ON CONFLICT (name) DO UPDATE SET ${update}`,
    [names, names.map((n) => cap(span(n).first)), names.map((n) => cap(span(n).last)), receivedAt, names.map((n) => span(n).count), names.map((n) => span(n).inputTokens), names.map((n) => span(n).outputTokens)],
  );
}

/** Per agent, the earliest instant of the batch's samples that carry a version. */
function earliestVersioned(samples: readonly AgentSample[]): Map<string, string> {
  const earliest = new Map<string, string>();
  for (const { agent_name: name, timestamp, version } of samples) {
    if (version === null) continue;
    const known = earliest.get(name);
    if (known === undefined || timestamp < known) earliest.set(name, timestamp);
  }
  return earliest;
}
