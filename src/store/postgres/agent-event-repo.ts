import type { AgentEvent } from '../../domain/agent-event.js';
import type { AgentEventRepo } from '../store.js';
import { one, rows, type Pool } from './pool.js';

export function createPgAgentEventRepo(pool: Pool): AgentEventRepo {
  return {
    async record(e) {
      return (await one<AgentEvent>(
        pool,
        `INSERT INTO agent_events (agent_name, kind, version, at, recorded_at, actor, silence_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [e.agent_name, e.kind, e.version, e.at, e.recorded_at, e.actor, e.silence_id],
      ))!;
    },
    list: ({ agentName, sinceIso, limit }) =>
      rows<AgentEvent>(
        pool,
        'SELECT * FROM agent_events WHERE at >= $1 AND ($2::text IS NULL OR agent_name = $2) ORDER BY at DESC, id DESC LIMIT $3',
        [sinceIso, agentName ?? null, limit],
      ),
  };
}
