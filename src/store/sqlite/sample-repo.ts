import type { SampleQuery, SampleRepo, StoredSample } from '../store.js';
import type { AgentSample } from '../../domain/sample.js';
import type { Db } from './open-db.js';
import { rowReader } from './rows.js';
import { STORED } from './sample-insert.js';
import { createInlineSampleWriter, type SampleWriter } from './sample-writer.js';
import { createVersionLog } from './version-log.js';
import { createWindowAggregates, type WindowAggregates } from './window-aggregates.js';

const COLUMNS = `id, ${STORED.join(', ')}`;

export function createSampleRepo(db: Db, windows: WindowAggregates = createWindowAggregates(db), writer: SampleWriter = createInlineSampleWriter(db)): SampleRepo {
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
  const versions = createVersionLog(db);

  return {
    async insert(samples, receivedAt, options = {}) {
      const lastId = await writer.write({ samples, receivedAt, alive: options.alive ?? true, ...(options.streams ? { streams: options.streams } : {}) });
      windows.added(samples, lastId);
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
