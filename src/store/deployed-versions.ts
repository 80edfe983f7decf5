/**
 * Deploys reported with a version (agent_events), as version changes: `from` is the version the
 * agent ran just before, by its samples or an earlier deploy; a redeploy of the same version is
 * no change. The same SQL on both engines; `since` is the engine's placeholder for the start.
 */
export const deployedVersionChanges = (since: string) => `SELECT * FROM (
  SELECT e.agent_name, e.at, (SELECT k.version FROM (
      SELECT p.at AS t, p.version FROM agent_events p WHERE p.agent_name = e.agent_name AND p.kind = 'deploy' AND p.version IS NOT NULL AND p.at < e.at
      UNION ALL
      SELECT v.since AS t, v.version FROM agent_versions v WHERE v.agent_name = e.agent_name AND v.since < e.at
    ) k ORDER BY k.t DESC LIMIT 1) AS "from", e.version AS "to"
  FROM agent_events e WHERE e.kind = 'deploy' AND e.version IS NOT NULL AND e.at >= ${since}
) d WHERE "from" IS NULL OR "from" <> "to"`;

/** Changes seen in the samples and reported deploys, in time order. */
export const byTime = <T extends { at: string }>(a: readonly T[], b: readonly T[]): T[] => [...a, ...b].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
