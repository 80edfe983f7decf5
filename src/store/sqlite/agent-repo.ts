import type { AgentRecord } from '../../domain/agent.js';
import type { AgentRepo } from '../store.js';
import type { Db } from './open-db.js';

const COLUMNS = 'name, first_seen, last_seen, registered_at, sample_count, input_tokens_total, output_tokens_total';

export function createAgentRepo(db: Db): AgentRepo {
  const list = db.prepare(`SELECT ${COLUMNS} FROM agents ORDER BY name`);
  const get = db.prepare(`SELECT ${COLUMNS} FROM agents WHERE name = ?`);
  const exists = db.prepare('SELECT 1 FROM agents WHERE name = ?').pluck();
  const remove = db.prepare(`DELETE FROM agents WHERE name = ? RETURNING ${COLUMNS}`);
  const unseen = db.prepare(`SELECT ${COLUMNS} FROM agents WHERE last_seen < ? ORDER BY name`);
  const register = db.prepare('INSERT INTO agents (name, first_seen, last_seen, registered_at, sample_count) VALUES (?, ?, ?, ?, 0) ON CONFLICT (name) DO NOTHING');
  const registerAll = db.transaction((names: readonly string[], at: string) => {
    for (const name of names) register.run(name, at, at, at);
  });
  const registeredSince = db.prepare('SELECT COUNT(*) AS count, MIN(registered_at) AS earliest FROM agents WHERE registered_at > ?');
  const retire = db.transaction((beforeIso: string, keep: readonly string[]) => {
    const kept = new Set(keep);
    const retired = (unseen.all(beforeIso) as AgentRecord[]).filter((agent) => !kept.has(agent.name));
    for (const agent of retired) remove.run(agent.name);
    return retired;
  });
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
    async retireUnseen(beforeIso, keep) {
      return retire.immediate(beforeIso, keep);
    },
    async register(names, at) {
      if (names.length > 0) registerAll.immediate(names, at);
    },
    async unknown(names) {
      return names.filter((name) => exists.get(name) === undefined);
    },
    async registeredSince(sinceIso) {
      return registeredSince.get(sinceIso) as { count: number; earliest: string | null };
    },
  };
}
