import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError, Kind } from 'graphql';
import { JSONObjectResolver, JSONResolver } from 'graphql-scalars';
import { parseIsoTimestamp } from '../domain/sample.js';
import { can, rolesWith, type Permission } from '../auth/roles.js';
import { AppError, ErrorCode } from '../errors.js';
import type { GraphQLContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: Record<Permission, boolean>;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin],
  scopeAuth: {
    // Subscriptions are checked when they start, not only per event.
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      read: can(context.principal, 'read'),
      report: can(context.principal, 'report'),
      work: can(context.principal, 'work'),
      operate: can(context.principal, 'operate'),
    }),
    unauthorizedError: (_parent, context, info, result) => {
      const scope = missingScope(result.failure);
      const roles = scope ? rolesWith(scope).join(' or ') : 'another role';
      return new AppError(
        ErrorCode.forbidden,
        `Role ${context.principal?.role ?? 'none'} may not use ${info.parentType.name}.${info.fieldName}: it needs ${roles}`,
      );
    },
  },
});

builder.scalarType('DateTime', {
  description: 'An ISO-8601 date-time in UTC, e.g. "2024-12-01T12:00:00.000Z".',
  serialize: (value) => value,
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});
builder.addScalarType('JSON', JSONResolver);
builder.addScalarType('JSONObject', JSONObjectResolver);

builder.queryType({ description: 'Read the fleet, the history, the suggestions and the reports.' });
builder.mutationType({ description: 'Report metrics, decide on suggestions, run analysis and control monitoring.' });
builder.subscriptionType({ description: 'Live events over graphql-ws (subprotocol graphql-transport-ws) at /graphql.' });

/** The first scope a failed check was missing, looking into $any / $all groups. */
function missingScope(failure: unknown): Permission | undefined {
  const f = failure as { scope?: string; failures?: unknown[] };
  if (typeof f.scope === 'string') return f.scope as Permission;
  for (const inner of f.failures ?? []) {
    const scope = missingScope(inner);
    if (scope) return scope;
  }
  return undefined;
}

function parseDateTime(value: unknown): string {
  const ms = typeof value === 'string' ? parseIsoTimestamp(value) : undefined;
  if (ms === undefined) throw new GraphQLError(`DateTime must be an ISO-8601 date-time, got ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}
