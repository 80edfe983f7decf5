import type { VersionChange } from '../../domain/version.js';
import type { Db } from './open-db.js';

/** Every step as a change: when, from what (null for an agent's first version) to what. */
export const VERSION_CHANGES = `SELECT agent_name, since AS at, LAG(version) OVER (PARTITION BY agent_name ORDER BY since) AS "from", version AS "to"
  FROM agent_versions`;

/**
 * Which version each agent ran when, as a step function in time (agent_versions): a step at
 * every sample whose version differs from that of the sample before it in time. Two versions
 * stamped at the same instant count as the greater one (by text). The steps are a function of
 * the stored samples alone, so they are the same whatever the order the samples arrive in: a
 * sample that lands between two others re-decides the step at itself and at the sample after it.
 */
export function createVersionLog(db: Db, generation?: Int32Array) {
  const SAMPLES = 'FROM agent_performance_history WHERE agent_name = ? AND version IS NOT NULL';
  // The version at an instant (the greatest of those stamped there), and the instants around one.
  const versionAt = db.prepare(`SELECT MAX(version) ${SAMPLES} AND timestamp = ?`).pluck();
  const instantBefore = db.prepare(`SELECT MAX(timestamp) ${SAMPLES} AND timestamp < ?`).pluck();
  const instantAfter = db.prepare(`SELECT MIN(timestamp) ${SAMPLES} AND timestamp > ?`).pluck();
  const lastInstant = db.prepare(`SELECT MAX(timestamp) ${SAMPLES}`).pluck();
  const put = db.prepare('INSERT INTO agent_versions (agent_name, since, version) VALUES (?, ?, ?) ON CONFLICT (agent_name, since) DO UPDATE SET version = excluded.version');
  const drop = db.prepare('DELETE FROM agent_versions WHERE agent_name = ? AND since = ?');
  const changes = db.prepare(`SELECT * FROM (${VERSION_CHANGES} WHERE @agent IS NULL OR agent_name = @agent)
    WHERE at >= @since ORDER BY at, agent_name LIMIT @limit`);
  // The newest versioned instant of each agent and its version: a live sample later than it,
  // of the same version, changes no step and skips the lookups.
  const newest = new Map<string, { at: string; version: string }>();
  // With two writers (the main connection and the writer thread) each keeps its own cache: a
  // shared counter, bumped by every write group, tells one that the other wrote since.
  let seen = generation ? Atomics.load(generation, 0) : 0;

  /** Decides whether a step belongs at `at` (a sample instant), given the version there. */
  function settle(agent: string, at: string, version: string): void {
    const before = instantBefore.get(agent, at) as string | null;
    if (before !== null && versionAt.get(agent, before) === version) drop.run(agent, at);
    else put.run(agent, at, version);
  }

  return {
    /** Call after the sample is stored, inside the same transaction; `forgetCache` if that transaction fails. */
    record(agent: string, timestamp: string, version: string): void {
      const known = newest.get(agent);
      if (known && timestamp > known.at && known.version === version) {
        known.at = timestamp;
        return;
      }
      const here = versionAt.get(agent, timestamp) as string;
      if (here === version) {
        settle(agent, timestamp, version);
        const next = instantAfter.get(agent, timestamp) as string | null;
        if (next !== null) settle(agent, next, versionAt.get(agent, next) as string);
      }
      const last = lastInstant.get(agent) as string;
      newest.set(agent, { at: last, version: versionAt.get(agent, last) as string });
    },
    forgetCache(): void {
      newest.clear();
    },
    /** At the start of a write group, inside its transaction: drops the cache if the other writer wrote since. */
    beginGroup(): void {
      if (generation && Atomics.load(generation, 0) !== seen) newest.clear();
    },
    /** At the end of a write group, inside its transaction. */
    endGroup(): void {
      if (generation) seen = Atomics.add(generation, 0, 1) + 1;
    },
    changes(query: { agentName?: string; sinceIso: string; limit: number }): VersionChange[] {
      return changes.all({ agent: query.agentName ?? null, since: query.sinceIso, limit: query.limit }) as VersionChange[];
    },
  };
}
