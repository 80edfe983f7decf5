/** What an agent's operators tell Meta Agent happened to it: a deploy or a restart. */
export const AgentEventKind = { deploy: 'deploy', restart: 'restart' } as const;
export type AgentEventKind = (typeof AgentEventKind)[keyof typeof AgentEventKind];

export interface AgentEvent {
  id: number;
  agent_name: string;
  kind: AgentEventKind;
  /** The version deployed, when given: it also enters the agent's version history. */
  version: string | null;
  /** When it happened (defaults to when it was recorded). */
  at: string;
  recorded_at: string;
  actor: string;
  /** The quiet period it opened. */
  silence_id: string | null;
}
