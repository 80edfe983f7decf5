import SchemaBuilder from '@pothos/core';
import { GraphQLError, Kind } from 'graphql';
import { JSONObjectResolver, JSONResolver } from 'graphql-scalars';
import { parseIsoTimestamp } from '../domain/sample.js';
import type { GraphQLContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
}>({
  defaultFieldNullability: false,
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

function parseDateTime(value: unknown): string {
  const ms = typeof value === 'string' ? parseIsoTimestamp(value) : undefined;
  if (ms === undefined) throw new GraphQLError(`DateTime must be an ISO-8601 date-time, got ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}
