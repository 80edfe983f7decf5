import type { AgentEvent } from '../../domain/agent-event.js';
import type { AgentEventRepo } from '../store.js';
import type { Db } from './open-db.js';

export function createAgentEventRepo(db: Db): AgentEventRepo {
  const insert = db.prepare(`INSERT INTO agent_events (agent_name, kind, version, at, recorded_at, actor, silence_id)
    VALUES (@agent_name, @kind, @version, @at, @recorded_at, @actor, @silence_id) RETURNING *`);
  const list = db.prepare(`SELECT * FROM agent_events WHERE at >= @sinceIso AND (@agent IS NULL OR agent_name = @agent)
    ORDER BY at DESC, id DESC LIMIT @limit`);
  return {
    async record(event) {
      return insert.get(event) as AgentEvent;
    },
    async list({ agentName, sinceIso, limit }) {
      return list.all({ agent: agentName ?? null, sinceIso, limit }) as AgentEvent[];
    },
  };
}
