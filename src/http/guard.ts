import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { ANONYMOUS_ADMIN, type TokenRegistry } from '../auth/tokens.js';
import type { Principal } from '../auth/roles.js';
import type { Config } from '../config.js';
import { AppError, ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { CROSS_SITE_REFUSED, isLoopback, originAllowed } from './origin.js';
import { createRateLimiter } from './rate-limit.js';
import { failure } from './respond.js';
import { OTLP_METRICS_PATH, otlpEncodingOf, otlpFailure } from './otlp.js';
import { HttpError, httpFormOf } from './status.js';
import { fromFetch, type EdgeRequest } from './edge-request.js';

const principals = new WeakMap<Request, Principal>();

/** Who sent this request (set by the guard); undefined when unauthenticated. */
export const principalOf = (request: Request): Principal | undefined => principals.get(request);

/** The token of `Authorization: Bearer <token>`, or of a graphql-ws connection_init payload. */
export function bearerToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return m ? m[1] : undefined;
}

/** Paths anyone may fetch: liveness, the API docs, GraphiQL's page and the dashboard's files (not /metrics: it shows the fleet). */
function isPublic(request: EdgeRequest, path: string, graphqlEndpoint: string): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (path === '/healthz' || path === '/docs' || path === '/docs/' || path === '/docs/openapi.json') return true;
  // GraphiQL's page (it runs nothing by itself; its queries come back with a token).
  if (path === graphqlEndpoint) return (request.header('accept') ?? '').includes('text/html');
  return !path.startsWith('/api/') && path !== graphqlEndpoint && path !== '/metrics';
}

export interface GuardOptions {
  config: Config;
  tokens: TokenRegistry;
  logger: Logger;
  graphqlEndpoint: string;
}

/** A refusal at the front door, with what the log says of it. */
export class Refusal extends Error {
  constructor(
    readonly error: AppError,
    readonly details: Record<string, unknown>,
  ) {
    super(error.message);
  }
}

export type FrontDoor = ReturnType<typeof createFrontDoor>;

/**
 * The front door, for REST and GraphQL alike, whichever server brought the request: refuses
 * cross-site browser requests (CSRF), authenticates the bearer token (401 without a valid one,
 * once tokens are configured), and rate-limits per token and per client address (429 with
 * Retry-After). Role checks come later, per route and per field.
 */
export function createFrontDoor({ config, tokens, graphqlEndpoint }: Omit<GuardOptions, 'logger'>) {
  const { rateLimit, allowedOrigins } = config.http;
  const perToken = createRateLimiter(rateLimit.perTokenPerSecond, rateLimit.burst);
  const perAddress = createRateLimiter(rateLimit.perAddressPerSecond, rateLimit.burst);

  return {
    /** Who may come in: undefined for a public path; a Refusal thrown otherwise. */
    admit(request: EdgeRequest, url: URL): Principal | undefined {
      const { address } = request;
      const origin = request.header('origin') ?? null;
      const safe = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
      if (!safe && !originAllowed(origin, url.host, allowedOrigins)) throw new Refusal(new AppError(ErrorCode.forbidden, CROSS_SITE_REFUSED), { origin, address });
      if (isPublic(request, url.pathname, graphqlEndpoint)) return undefined;

      let principal: Principal | undefined = tokens.enabled ? undefined : ANONYMOUS_ADMIN;
      if (tokens.enabled) {
        const token = bearerToken(request.header('authorization'));
        principal = tokens.authenticate(token);
        if (!principal) {
          const error = new HttpError(
            ErrorCode.unauthenticated,
            token ? 'The bearer token is not valid' : 'Authentication required: send Authorization: Bearer <token>',
            { 'www-authenticate': 'Bearer' },
          );
          throw new Refusal(error, { address });
        }
      }

      // In-process calls (no socket) are as local as loopback.
      const local = address === undefined || isLoopback(address);
      if (!(rateLimit.exemptLoopback && local)) {
        const byToken = tokens.enabled && principal;
        const verdict = byToken ? perToken.take(`token:${principal!.id}`) : perAddress.take(`address:${address ?? 'unknown'}`);
        if (!verdict.ok) {
          const error = new AppError(ErrorCode.rateLimited, `Too many requests; retry in ${verdict.retryAfterSeconds} s`, { retryAfterSeconds: verdict.retryAfterSeconds });
          throw new Refusal(error, { address, principal: principal?.id });
        }
      }
      return principal;
    },
  };
}

/** Every refusal at the front door is logged with its reason; answers its HTTP form. */
export function logRefusal(log: Logger, method: string, path: string, refusal: Refusal): { status: number; headers: Record<string, string> } {
  const form = httpFormOf(refusal.error);
  log.warn({ method, path: path.slice(0, 200), status: form.status, reason: refusal.error.message, ...refusal.details }, 'request refused');
  return form;
}

/** The front door as a Yoga plugin: a refusal ends the request in the form of its endpoint (GraphQL, OTLP or REST). */
export function useGuard({ logger, graphqlEndpoint, frontDoor }: { logger: Logger; graphqlEndpoint: string; frontDoor: FrontDoor }): Plugin {
  const log = logger.child({ module: 'guard' });

  function refuse(request: Request, url: URL, refusal: Refusal): Response {
    const { error } = refusal;
    const form = logRefusal(log, request.method, url.pathname, refusal);
    if (url.pathname === graphqlEndpoint) {
      const body = { errors: [{ message: error.message, extensions: { code: error.code } }] };
      return new Response(JSON.stringify(body), { status: form.status, headers: { 'content-type': 'application/json; charset=utf-8', ...form.headers } });
    }
    if (url.pathname === OTLP_METRICS_PATH) return otlpFailure(error, otlpEncodingOf(request), log);
    return failure(error, log);
  }

  return {
    onRequest({ request, url, endResponse, serverContext }) {
      const address = (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket?.remoteAddress;
      try {
        const principal = frontDoor.admit(fromFetch(request, address), url);
        if (principal) principals.set(request, principal);
      } catch (error) {
        if (error instanceof Refusal) return endResponse(refuse(request, url, error));
        throw error;
      }
      return undefined;
    },
  };
}
