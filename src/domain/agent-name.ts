/**
 * The one rule for agent names, shared by ingestion and configuration: 1 to 64 characters of
 * A-Z, a-z, 0-9, "_", "." and "-", and not only dots — "." and ".." are path segments that URL
 * normalisation removes, so such an agent could never be addressed as /api/agents/{name}.
 */
export const AGENT_NAME_PATTERN = /^(?!\.+$)[A-Za-z0-9_.-]{1,64}$/;
export const AGENT_NAME_RULE = '1 to 64 characters of A-Z, a-z, 0-9, "_", "." or "-", not only dots';

/**
 * Names that were accepted before the dots-only rule: lookups and removal still take them, so
 * an agent registered as "." or ".." can be read and forgotten (over GraphQL: forgetAgent).
 */
export const LEGACY_AGENT_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export function isAgentName(value: unknown): value is string {
  return typeof value === 'string' && AGENT_NAME_PATTERN.test(value);
}
