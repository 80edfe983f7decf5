import type { Route } from './router.js';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['status', 'message', 'code'],
  properties: {
    status: { type: 'string', enum: ['error'] },
    message: { type: 'string' },
    code: { type: 'string', example: 'BAD_REQUEST' },
    errors: {
      type: 'array',
      description: 'Per-field problems of an ingestion batch.',
      items: {
        type: 'object',
        properties: { index: { type: 'integer' }, field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/** The OpenAPI 3 document of the REST shims, built from the same route table the router serves. */
export function buildOpenApi(routes: readonly Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = (route.query ?? []).map((p) => ({
      name: p.name,
      in: 'query',
      required: false,
      description: p.description,
      schema: p.enum ? { type: p.type, enum: p.enum } : { type: p.type },
    }));
    const operation: Record<string, unknown> = {
      summary: route.summary,
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: [...pathParams, ...queryParams],
      responses: {
        '200': {
          description: `{"status":"success", …} with ${route.returns}`,
          content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string', enum: ['success'] } } } } },
        },
        '4XX': { description: 'Bad input, unknown id or route, conflict', content: { 'application/json': { schema: ERROR_SCHEMA } } },
        '5XX': { description: 'Server error (details only in the log)', content: { 'application/json': { schema: ERROR_SCHEMA } } },
      },
    };
    if (route.body) {
      operation.requestBody = {
        required: route.body.required,
        description: route.body.description,
        content: { 'application/json': { schema: { type: 'object' }, example: route.body.example } },
      };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Meta Agent REST API',
      version,
      description:
        'REST shims over the same services as the GraphQL API at /graphql. Success: {"status":"success","data":…}; errors: {"status":"error","message","code"}.',
    },
    paths,
  };
}
