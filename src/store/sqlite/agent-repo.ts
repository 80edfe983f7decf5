import type { AgentRecord } from '../../domain/agent.js';
import type { AgentRepo } from '../store.js';
import type { Db } from './open-db.js';

export function createAgentRepo(db: Db): AgentRepo {
  const list = db.prepare('SELECT name, first_seen, last_seen, registered_at, sample_count FROM agents ORDER BY name');
  const get = db.prepare('SELECT name, first_seen, last_seen, registered_at, sample_count FROM agents WHERE name = ?');
  const remove = db.prepare('DELETE FROM agents WHERE name = ? RETURNING name, first_seen, last_seen, registered_at, sample_count');
  return {
    async remove(name) {
      return remove.get(name) as AgentRecord | undefined;
    },
    async list() {
      return list.all() as AgentRecord[];
    },
    async get(name) {
      return get.get(name) as AgentRecord | undefined;
    },
  };
}
