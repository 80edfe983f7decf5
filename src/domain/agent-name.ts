/** The one rule for agent names, shared by ingestion, queries and configuration. */
export const AGENT_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export function isAgentName(value: unknown): value is string {
  return typeof value === 'string' && AGENT_NAME_PATTERN.test(value);
}
