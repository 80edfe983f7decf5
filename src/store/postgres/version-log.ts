import type { VersionChange } from '../../domain/version.js';
import type { Queryable } from './pool.js';
import { rows } from './pool.js';

/** Every step as a change: when, from what (null for an agent's first version) to what. */
export const VERSION_CHANGES = `SELECT agent_name, since AS at, LAG(version) OVER (PARTITION BY agent_name ORDER BY since) AS "from", version AS "to"
  FROM agent_versions`;

/**
 * The version step function of store/sqlite/version-log.ts: a step at every sample instant
 * whose version (the greatest stamped there) differs from the instant before it. It is a
 * function of the stored samples alone, so after a batch lands it is recomputed, per agent, from
 * the batch's earliest versioned sample on (the instant before it gives the version to compare
 * with): the same steps whatever order the samples arrived in. Two statements for a whole batch,
 * inside its transaction, which holds the sample write lock.
 */
export async function recomputeVersions(db: Queryable, earliest: ReadonlyMap<string, string>): Promise<void> {
  if (earliest.size === 0) return;
  const agents = [...earliest.keys()];
  const froms = [...earliest.values()];
  await db.query(
    `DELETE FROM agent_versions v USING unnest($1::text[], $2::text[]) AS t(agent_name, from_ts)
      WHERE v.agent_name = t.agent_name AND v.since >= t.from_ts`,
    [agents, froms],
  );
  await db.query(
    `WITH touched AS (SELECT * FROM unnest($1::text[], $2::text[]) AS t(agent_name, from_ts)),
    starts AS (
      SELECT t.agent_name, t.from_ts, COALESCE((SELECT MAX(h.timestamp) FROM agent_performance_history h
        WHERE h.agent_name = t.agent_name AND h.version IS NOT NULL AND h.timestamp < t.from_ts), t.from_ts) AS start
      FROM touched t),
    instants AS (
      SELECT h.agent_name, s.from_ts, h.timestamp, MAX(h.version) AS version
      FROM starts s JOIN agent_performance_history h ON h.agent_name = s.agent_name AND h.version IS NOT NULL AND h.timestamp >= s.start
      GROUP BY h.agent_name, s.from_ts, h.timestamp),
    steps AS (
      SELECT agent_name, from_ts, timestamp, version, LAG(version) OVER (PARTITION BY agent_name ORDER BY timestamp) AS previous
      FROM instants)
    INSERT INTO agent_versions (agent_name, since, version)
      SELECT agent_name, timestamp, version FROM steps WHERE timestamp >= from_ts AND version IS DISTINCT FROM previous`,
    [agents, froms],
  );
}

export async function versionChanges(db: Queryable, query: { agentName?: string; sinceIso: string; limit: number }): Promise<VersionChange[]> {
  return rows<VersionChange>(
    db,
    `SELECT * FROM (${VERSION_CHANGES} WHERE $1::text IS NULL OR agent_name = $1) changes WHERE at >= $2 ORDER BY at, agent_name LIMIT $3`,
    [query.agentName ?? null, query.sinceIso, query.limit],
  );
}
