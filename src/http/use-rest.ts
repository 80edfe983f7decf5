import type { Plugin } from 'graphql-yoga';
import { can, Permission, rolesWith, type Principal } from '../auth/roles.js';
import { AppError, badRequest, ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/services.js';
import { readJsonBody } from './body.js';
import { renderDocsPage } from './docs-page.js';
import { createStaticFiles } from './static-files.js';
import { buildOpenApi } from './openapi.js';
import { createOtlpEndpoint, OTLP_METRICS_PATH } from './otlp.js';
import { failure, success } from './respond.js';
import { createRouter, parseQuery, type Route } from './router.js';

export interface RestOptions {
  routes: readonly Route[];
  services: Services;
  logger: Logger;
  version: string;
  maxBodyBytes: number;
  maxRows: number;
  graphqlEndpoint: string;
  /** Who is asking: set by the guard. */
  principalOf(request: Request): Principal | undefined;
}

/**
 * Serves the REST shims, /docs and the 404s for every path that is not the GraphQL
 * endpoint, as a Yoga plugin, so REST and GraphQL share one server and one fetch().
 */
export function useRestApi(options: RestOptions): Plugin {
  const router = createRouter(options.routes);
  const log = options.logger.child({ module: 'rest' });
  const openapi = JSON.stringify(buildOpenApi(options.routes, options.version));
  const docsPage = renderDocsPage(options.routes, options.version);
  const staticFiles = createStaticFiles();

  /** The caller, if its role may do `what`; else a 403 naming the roles that may. */
  function authorize(request: Request, permission: Permission, what: string): Principal {
    const principal = options.principalOf(request);
    if (principal && can(principal, permission)) return principal;
    log.warn({ path: new URL(request.url).pathname, principal: principal?.id, role: principal?.role, needs: permission }, 'request refused: role');
    throw new AppError(ErrorCode.forbidden, `Role ${principal?.role ?? 'none'} may not ${what}: it needs ${rolesWith(permission).join(' or ')}`);
  }

  const otlp = createOtlpEndpoint({
    otlp: options.services.otlp,
    maxBodyBytes: options.maxBodyBytes,
    logger: options.logger,
    authorize: (request) => authorize(request, Permission.report, `POST ${OTLP_METRICS_PATH}`),
  });

  async function handle(request: Request, url: URL): Promise<Response> {
    const { pathname } = url;
    if (pathname === OTLP_METRICS_PATH) return otlp(request);
    if (request.method === 'GET' || request.method === 'HEAD') {
      // Liveness for load balancers and orchestrators: open to all, and says nothing more than that it answers.
      if (pathname === '/healthz') return new Response(request.method === 'HEAD' ? null : '{"status":"ok"}\n', { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
      if (pathname === '/docs' || pathname === '/docs/') return html(docsPage);
      if (pathname === '/docs/openapi.json') return new Response(openapi, { headers: { 'content-type': 'application/json' } });
      if (!pathname.startsWith('/api/')) {
        const file = await staticFiles.serve(pathname);
        if (file) return file;
        if (pathname === '/') {
          return success({
            data: { name: 'meta-agent', version: options.version, graphql: options.graphqlEndpoint, docs: '/docs', dashboard: 'not built: run npm run build' },
          });
        }
      }
    }
    try {
      if (pathname === '/metrics' && (request.method === 'GET' || request.method === 'HEAD')) {
        authorize(request, Permission.read, 'GET /metrics');
        const text = await options.services.prometheus.render();
        return new Response(request.method === 'HEAD' ? null : text, { headers: { 'content-type': options.services.prometheus.contentType } });
      }
      const { route, params } = router.match(request.method, pathname);
      const principal = authorize(request, route.permission, `${route.method} ${route.path}`);
      const query = parseQuery(url, route);
      let body: Promise<unknown> | undefined;
      const readBody = () => (body ??= readJsonBody(request, options.maxBodyBytes));
      if (!route.body) await refuseBody(request, readBody, route.path);
      const result = await route.handle({
        services: options.services,
        actor: { id: principal.id },
        principal,
        request,
        params,
        query,
        body: readBody,
        maxRows: options.maxRows,
      });
      return success(result);
    } catch (error) {
      return failure(error, log);
    }
  }

  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname === options.graphqlEndpoint) return;
      return handle(request, url).then(endResponse);
    },
  };
}

/** An endpoint that takes no body accepts none, or an empty object; anything else is a mistake worth saying. */
async function refuseBody(request: Request, read: () => Promise<unknown>, path: string): Promise<void> {
  // A GET's body never reaches the Request object: its headers are what show it was sent.
  const length = Number(request.headers.get('content-length') ?? 0);
  if ((request.method === 'GET' || request.method === 'HEAD') && (length > 0 || request.headers.has('transfer-encoding'))) {
    throw badRequest(`${request.method} ${path} takes no request body`);
  }
  const body = await read();
  if (body === undefined) return;
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
  throw badRequest(`${path} takes no request body`);
}

function html(body: string): Response {
  return new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}
