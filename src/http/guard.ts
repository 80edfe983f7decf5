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
function isPublic(request: Request, url: URL, graphqlEndpoint: string): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = url.pathname;
  if (path === '/healthz' || path === '/docs' || path === '/docs/' || path === '/docs/openapi.json') return true;
  // GraphiQL's page (it runs nothing by itself; its queries come back with a token).
  if (path === graphqlEndpoint) return (request.headers.get('accept') ?? '').includes('text/html');
  return !path.startsWith('/api/') && path !== graphqlEndpoint && path !== '/metrics';
}

export interface GuardOptions {
  config: Config;
  tokens: TokenRegistry;
  logger: Logger;
  graphqlEndpoint: string;
}

/**
 * The front door, for REST and GraphQL alike: refuses cross-site browser requests (CSRF),
 * authenticates the bearer token (401 without a valid one, once tokens are configured), and
 * rate-limits per token and per client address (429 with Retry-After). Every refusal is logged
 * with its reason. Role checks come later, per route and per field.
 */
export function useGuard({ config, tokens, logger, graphqlEndpoint }: GuardOptions): Plugin {
  const log = logger.child({ module: 'guard' });
  const { rateLimit, allowedOrigins } = config.http;
  const perToken = createRateLimiter(rateLimit.perTokenPerSecond, rateLimit.burst);
  const perAddress = createRateLimiter(rateLimit.perAddressPerSecond, rateLimit.burst);

  function refuse(request: Request, url: URL, error: AppError, details: Record<string, unknown>): Response {
    const form = httpFormOf(error);
    log.warn({ method: request.method, path: url.pathname.slice(0, 200), status: form.status, reason: error.message, ...details }, 'request refused');
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
      const origin = request.headers.get('origin');
      const safe = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
      if (!safe && !originAllowed(origin, url.host, allowedOrigins)) {
        return endResponse(refuse(request, url, new AppError(ErrorCode.forbidden, CROSS_SITE_REFUSED), { origin, address }));
      }
      if (isPublic(request, url, graphqlEndpoint)) return;

      let principal: Principal | undefined = tokens.enabled ? undefined : ANONYMOUS_ADMIN;
      if (tokens.enabled) {
        const token = bearerToken(request.headers.get('authorization'));
        principal = tokens.authenticate(token);
        if (!principal) {
          const error = new HttpError(
            ErrorCode.unauthenticated,
            token ? 'The bearer token is not valid' : 'Authentication required: send Authorization: Bearer <token>',
            { 'www-authenticate': 'Bearer' },
          );
          return endResponse(refuse(request, url, error, { address }));
        }
        principals.set(request, principal);
      } else principals.set(request, principal!);

      // In-process calls (no socket) are as local as loopback.
      const local = address === undefined || isLoopback(address);
      if (!(rateLimit.exemptLoopback && local)) {
        const byToken = tokens.enabled && principal;
        const verdict = byToken ? perToken.take(`token:${principal!.id}`) : perAddress.take(`address:${address ?? 'unknown'}`);
        if (!verdict.ok) {
          const error = new AppError(ErrorCode.rateLimited, `Too many requests; retry in ${verdict.retryAfterSeconds} s`, {
            retryAfterSeconds: verdict.retryAfterSeconds,
          });
          return endResponse(refuse(request, url, error, { address, principal: principal?.id }));
        }
      }
      return undefined;
    },
  };
}
