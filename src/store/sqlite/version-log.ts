import type { VersionChange } from '../../domain/version.js';
import type { Db } from './open-db.js';

/**
 * Which version each agent ran when, as a step function in time (agent_versions): a row where
 * the version changes, none while it stays. Samples may arrive in any order; each one either
 * agrees with the step it falls in or splits it, and equal neighbours are merged, so the log
 * ends up the same whatever the order of arrival (two versions stamped at the same instant: the later report wins).
 */
/** Every step as a change: when, from what (null for an agent's first version) to what. */
export const VERSION_CHANGES = `SELECT agent_name, since AS at, LAG(version) OVER (PARTITION BY agent_name ORDER BY since) AS "from", version AS "to"
  FROM agent_versions`;

export function createVersionLog(db: Db) {
  const atOrBefore = db.prepare('SELECT since, version FROM agent_versions WHERE agent_name = ? AND since <= ? ORDER BY since DESC LIMIT 1');
  const after = db.prepare('SELECT since, version FROM agent_versions WHERE agent_name = ? AND since > ? ORDER BY since LIMIT 1');
  const put = db.prepare('INSERT INTO agent_versions (agent_name, since, version) VALUES (?, ?, ?) ON CONFLICT (agent_name, since) DO UPDATE SET version = excluded.version');
  const newest = db.prepare('SELECT since, version FROM agent_versions WHERE agent_name = ? ORDER BY since DESC LIMIT 1');
  const drop = db.prepare('DELETE FROM agent_versions WHERE agent_name = ? AND since = ?');
  const changes = db.prepare(`SELECT * FROM (${VERSION_CHANGES} WHERE @agent IS NULL OR agent_name = @agent)
    WHERE at >= @since ORDER BY at, agent_name LIMIT @limit`);
  type Step = { since: string; version: string };
  // The latest step of each agent: live samples of an unchanged version skip the lookups.
  const latest = new Map<string, Step>();

  return {
    /** Inside the caller's transaction; call `forgetCache` if that transaction fails. */
    record(agent: string, timestamp: string, version: string): void {
      const known = latest.get(agent);
      if (known && timestamp >= known.since && known.version === version) return;
      const current = atOrBefore.get(agent, timestamp) as Step | undefined;
      if (current?.version === version) {
        if (!known) latest.set(agent, newest.get(agent) as Step);
        return;
      }
      if (current?.since === timestamp) {
        // Another version already claims this instant: the later report wins, and may now equal the step before.
        const previous = atOrBefore.get(agent, new Date(Date.parse(timestamp) - 1).toISOString()) as Step | undefined;
        if (previous?.version === version) drop.run(agent, timestamp);
        else put.run(agent, timestamp, version);
      } else {
        put.run(agent, timestamp, version);
      }
      const next = after.get(agent, timestamp) as Step | undefined;
      if (next?.version === version) drop.run(agent, next.since);
      latest.set(agent, newest.get(agent) as Step);
    },
    forgetCache(): void {
      latest.clear();
    },
    changes(query: { agentName?: string; sinceIso: string; limit: number }): VersionChange[] {
      return changes.all({ agent: query.agentName ?? null, since: query.sinceIso, limit: query.limit }) as VersionChange[];
    },
  };
}
