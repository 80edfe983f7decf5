import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Principal } from './auth/roles.js';
import type { TokenRegistry } from './auth/tokens.js';
import type { Config } from './config.js';
import { isAppError } from './errors.js';
import { appErrorExtensions, withExtensions } from './graphql/errors.js';
import type { GraphQLContext } from './graphql/context.js';
import { schema } from './graphql/schema.js';
import { agentRoutes } from './http/routes/agents.js';
import { metaAgentRoutes } from './http/routes/meta-agent.js';
import { maintenanceWindowRoutes, silenceRoutes } from './http/routes/silences.js';
import { workRoutes } from './http/routes/work.js';
import { graphqlProtections } from './graphql/plugins.js';
import { createFrontDoor, principalOf, useGuard, type FrontDoor } from './http/guard.js';
import { createRestApi, type RestApi } from './http/rest-api.js';
import { useGraphiqlPage } from './http/graphiql-page.js';
import { useStrictGraphqlBody } from './http/graphql-body.js';
import { useRestApi } from './http/use-rest.js';
import type { Logger } from './logger.js';
import type { Services } from './services/services.js';
import { VERSION } from './version.js';

export const GRAPHQL_ENDPOINT = '/graphql';
export const REST_ROUTES = [...metaAgentRoutes, ...silenceRoutes, ...maintenanceWindowRoutes, ...workRoutes, ...agentRoutes];

export interface AppDeps {
  config: Config;
  services: Services;
  logger: Logger;
  tokens: TokenRegistry;
}

export type Yoga = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

/**
 * The whole API: `yoga`, one fetch handler for everything (GraphQL at /graphql with GraphiQL in a
 * browser, REST, /docs, the dashboard), and the front door and REST core it shares with Node's
 * own server, which takes /api/… on the port without the fetch adapter (http/server.ts).
 */
export interface App {
  yoga: Yoga;
  frontDoor: FrontDoor;
  rest: RestApi;
  /** Whether Node's server may answer /api/… itself: not when CORS is configured (Yoga answers preflights and adds the headers). */
  nativeRest: boolean;
}

/** Side-effect free: nothing listens until main.ts says so. */
export function createApp({ config, services, logger, tokens }: AppDeps): App {
  const frontDoor = createFrontDoor({ config, tokens, graphqlEndpoint: GRAPHQL_ENDPOINT });
  const rest = createRestApi({ routes: REST_ROUTES, services, logger, maxBodyBytes: config.limits.maxBodyBytes, maxRows: config.limits.maxRowsPerQuery });
  const yoga = createYogaApp({ config, services, logger, tokens }, frontDoor, rest);
  return { yoga, frontDoor, rest, nativeRest: config.http.allowedOrigins.length === 0 };
}

function createYogaApp({ config, services, logger }: AppDeps, frontDoor: FrontDoor, rest: RestApi): Yoga {
  const log = logger.child({ module: 'graphql' });
  /** HTTP: the guard's verdict on the request. Websocket: the verdict made on connection_init. */
  const principalIn = (initial: Record<string, unknown>): Principal | undefined => {
    const request = initial.request as Request | undefined;
    if (request) return principalOf(request);
    return (initial.extra as { principal?: Principal } | undefined)?.principal;
  };
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    // GraphiQL is served by useGraphiqlPage: from here, not unpkg.com, compressed and cached.
    graphiql: false,
    // The other body types Yoga parses itself (form-encoded, application/graphql) get the same cap;
    // file uploads are not part of this API.
    maxRequestBodySize: config.limits.maxBodyBytes,
    multipart: false,
    landingPage: false,
    // Yoga answers an empty 200 for every URL ending in this; /healthz is ours (use-rest.ts), with a
    // body. No request URL holds a '#', so this turns Yoga's check off (its default, /health,
    // would shadow /api/meta-agent/health).
    healthCheckEndpoint: '#',
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map(String).join(' ')),
    },
    maskedErrors: {
      maskError(error, message) {
        // Expected errors pass through: an AppError with its code (thrown in a resolver it arrives
        // wrapped, with the path), and GraphQL's own syntax and validation errors.
        const original = isGraphQLError(error) ? error.originalError : error;
        if (isAppError(original)) {
          const extensions = appErrorExtensions(original);
          return isGraphQLError(error) ? withExtensions(error, extensions) : new GraphQLError(original.message, { extensions });
        }
        if (isGraphQLError(error) && (!original || isGraphQLError(original))) {
          // GraphQL's own request errors (a variable of the wrong type) come without a code, and
          // without a path: they are bad requests. One with a path arose while executing.
          if (error.extensions.code !== undefined) return error;
          if (error.path === undefined) return withExtensions(error, { ...error.extensions, code: 'BAD_REQUEST' });
        }
        log.error({ err: original ?? error }, 'unexpected error in GraphQL operation');
        return new GraphQLError(message, {
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
          ...(isGraphQLError(error) ? { path: error.path, nodes: error.nodes } : {}),
        });
      },
    },
    context: (initial) => {
      const principal = principalIn(initial);
      return { services, principal, actor: { id: principal?.id ?? 'anonymous' }, maxRows: config.limits.maxRowsPerQuery };
    },
    // Cross-origin browsers only from http.allowedOrigins; no CORS headers otherwise.
    cors: config.http.allowedOrigins.length > 0 ? { origin: config.http.allowedOrigins, credentials: true } : false,
    plugins: [
      useGuard({ logger, graphqlEndpoint: GRAPHQL_ENDPOINT, frontDoor }),
      useGraphiqlPage({ enabled: config.graphql.graphiql, endpoint: GRAPHQL_ENDPOINT, graphiql: { title: 'Meta Agent', subscriptionsProtocol: 'WS' } }),
      useStrictGraphqlBody(config.limits.maxBodyBytes),
      ...graphqlProtections(config),
      useRestApi({
        api: rest,
        routes: REST_ROUTES,
        services,
        logger,
        version: VERSION,
        maxBodyBytes: config.limits.maxBodyBytes,
        graphqlEndpoint: GRAPHQL_ENDPOINT,
        principalOf,
      }),
    ],
  });
}

function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError');
}
