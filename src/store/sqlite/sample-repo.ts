import { METRIC_FIELDS, type AgentSample } from '../../domain/sample.js';
import type { SampleQuery, SampleRepo, StoredSample } from '../store.js';
import type { Db } from './open-db.js';
import { rowReader } from './rows.js';
import { createVersionLog } from './version-log.js';
import { createWindowAggregates, type WindowAggregates } from './window-aggregates.js';

const STORED = ['agent_name', 'timestamp', ...METRIC_FIELDS, 'version', 'source'] as const;
const COLUMNS = `id, ${STORED.join(', ')}`;

export function createSampleRepo(db: Db, windows: WindowAggregates = createWindowAggregates(db)): SampleRepo {
  // Positional parameters: binding by name costs a lookup per column, per row.
  const insertSample = db.prepare(`INSERT INTO agent_performance_history (${STORED.join(', ')}) VALUES (${STORED.map(() => '?').join(', ')})`);
  const upsertAgent = db.prepare(`INSERT INTO agents (name, first_seen, last_seen, registered_at, sample_count)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET
      first_seen = MIN(first_seen, excluded.first_seen),
      last_seen = MAX(last_seen, excluded.last_seen),
      sample_count = sample_count + excluded.sample_count`);
  const listAll = rowReader<StoredSample>(
    db.prepare(`SELECT ${COLUMNS} FROM agent_performance_history WHERE timestamp >= ? ORDER BY timestamp DESC, id DESC LIMIT ?`),
  );
  const listAgent = rowReader<StoredSample>(
    db.prepare(`SELECT ${COLUMNS} FROM agent_performance_history
      WHERE agent_name = ? AND timestamp >= ? ORDER BY timestamp DESC, id DESC LIMIT ?`),
  );
  const between = db.prepare(`SELECT ${COLUMNS} FROM agent_performance_history
    WHERE agent_name = ? AND timestamp >= ? AND timestamp < ? ORDER BY timestamp LIMIT ?`);
  // INDEXED BY: for a recent window the time index is right, but the planner, seeing GROUP BY or
  // ORDER BY agent_name, would rather scan the whole (agent, time) index — every row ever kept.
  const byAgentSince = db.prepare(`SELECT ${COLUMNS} FROM agent_performance_history INDEXED BY idx_samples_time
    WHERE timestamp >= ? ORDER BY agent_name, timestamp`);
  // A failed check registers the agent but is no sign of life: last_seen stays.
  const registerOnly = db.prepare(`INSERT INTO agents (name, first_seen, last_seen, registered_at, sample_count)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET sample_count = sample_count + excluded.sample_count`);

  const versions = createVersionLog(db);
  const insertBatch = db.transaction((samples: AgentSample[], receivedAt: string, alive: boolean) => {
    const spans = new Map<string, { first: string; last: string; count: number }>();
    for (const sample of samples) {
      insertSample.run(STORED.map((column) => sample[column]));
      if (sample.version !== null) versions.record(sample.agent_name, sample.timestamp, sample.version);
      const span = spans.get(sample.agent_name);
      if (!span) spans.set(sample.agent_name, { first: sample.timestamp, last: sample.timestamp, count: 1 });
      else {
        if (sample.timestamp < span.first) span.first = sample.timestamp;
        if (sample.timestamp > span.last) span.last = sample.timestamp;
        span.count += 1;
      }
    }
    const register = alive ? upsertAgent : registerOnly;
    // Liveness follows arrival: a sample stamped ahead by a skewed clock must not keep its agent
    // "seen" after it falls silent, so the span is capped at the time it arrived.
    const cap = (iso: string) => (iso > receivedAt ? receivedAt : iso);
    for (const [name, span] of spans) register.run(name, cap(span.first), cap(span.last), receivedAt, span.count);
  });

  return {
    async insert(samples, receivedAt, options = {}) {
      try {
        insertBatch.immediate(samples, receivedAt, options.alive ?? true);
      } catch (error) {
        versions.forgetCache(); // it may hold steps the rolled-back transaction wrote
        throw error;
      }
      windows.added(samples);
    },
    async versionChanges(query) {
      return versions.changes(query);
    },
    async list(query: SampleQuery) {
      return query.agentName ? listAgent(query.agentName, query.sinceIso, query.limit) : listAll(query.sinceIso, query.limit);
    },
    async between(agentName, fromIso, toIso, limit) {
      return between.all(agentName, fromIso, toIso, limit) as StoredSample[];
    },
    async byAgentSince(sinceIso) {
      const result = new Map<string, AgentSample[]>();
      for (const row of byAgentSince.iterate(sinceIso) as IterableIterator<StoredSample>) {
        const list = result.get(row.agent_name);
        if (list) list.push(row);
        else result.set(row.agent_name, [row]);
      }
      return result;
    },
    async windowAggregates(sinceIso) {
      return windows.since(sinceIso);
    },
  };
}
