import { createHash } from 'node:crypto';
import { ROLES, type Principal, type Role } from './roles.js';

export interface TokenSpec {
  role: Role;
  /** The token itself, or (in a config file) its SHA-256 in hex so the file holds no secret. */
  token?: string | undefined;
  sha256?: string | undefined;
  name?: string | undefined;
}

export interface TokenRegistry {
  /** False in protected mode: no tokens, loopback only, everyone is admin. */
  enabled: boolean;
  /** The principal a presented token stands for; undefined when unknown. */
  authenticate(token: string | undefined): Principal | undefined;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Who everyone is in protected mode (no tokens configured). */
export const ANONYMOUS_ADMIN: Principal = { id: 'anonymous', role: 'admin' };

/**
 * Tokens are compared by their SHA-256, so what the process keeps is only hashes and a lookup
 * reveals nothing by its timing about how much of a guess was right.
 */
export function createTokenRegistry(specs: readonly TokenSpec[]): TokenRegistry {
  const byHash = new Map<string, Principal>();
  for (const spec of specs) {
    const hash = (spec.sha256 ?? sha256(spec.token ?? '')).toLowerCase();
    byHash.set(hash, { id: spec.name ?? `${spec.role}-${hash.slice(0, 8)}`, role: spec.role });
  }
  return {
    enabled: byHash.size > 0,
    authenticate(token) {
      if (!token) return undefined;
      return byHash.get(sha256(token));
    },
  };
}

/**
 * META_AGENT_API_TOKENS: comma-separated `role:token` pairs. Answers the specs and the problems
 * (an unknown role, an empty or short token), never echoing a token.
 */
export function parseTokenList(value: string): { specs: TokenSpec[]; problems: string[] } {
  const specs: TokenSpec[] = [];
  const problems: string[] = [];
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .forEach((entry, i) => {
      const colon = entry.indexOf(':');
      const role = entry.slice(0, Math.max(colon, 0)) as Role;
      const token = entry.slice(colon + 1);
      if (colon <= 0 || !ROLES.includes(role)) problems.push(`entry ${i + 1} must be role:token with a role of ${ROLES.join(', ')}`);
      else if (token.length < 16) problems.push(`entry ${i + 1} (${role}): the token must be at least 16 characters`);
      else specs.push({ role, token });
    });
  return { specs, problems };
}
