import type { Plugin } from 'graphql-yoga';
import { Permission, type Principal } from '../auth/roles.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/services.js';
import { fromFetch } from './edge-request.js';
import type { RestApi } from './rest-api.js';
import { renderDocsPage } from './docs-page.js';
import { createStaticFiles } from './static-files.js';
import { buildOpenApi } from './openapi.js';
import { createOtlpEndpoint, OTLP_METRICS_PATH } from './otlp.js';
import { failure, success, toResponse } from './respond.js';
import type { Route } from './router.js';

export interface RestOptions {
  api: RestApi;
  routes: readonly Route[];
  services: Services;
  logger: Logger;
  version: string;
  maxBodyBytes: number;
  graphqlEndpoint: string;
  /** Who is asking: set by the guard. */
  principalOf(request: Request): Principal | undefined;
}

/**
 * Serves, as a Yoga plugin, everything but the GraphQL endpoint: the REST API (through its core,
 * rest-api.ts), /docs, the dashboard's files, /metrics, /v1/metrics and the 404s, so REST and
 * GraphQL share one fetch() for in-process callers. On a port, Node's server takes /api/… itself
 * (http/server.ts) and only the rest reaches Yoga.
 */
export function useRestApi(options: RestOptions): Plugin {
  const { api } = options;
  const log = options.logger.child({ module: 'rest' });
  const openapi = JSON.stringify(buildOpenApi(options.routes, options.version));
  const docsPage = renderDocsPage(options.routes, options.version);
  const staticFiles = createStaticFiles();
  const authorize = (request: Request, permission: Permission, what: string) => api.authorize(options.principalOf(request), permission, what, new URL(request.url).pathname);

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
      if (pathname === '/metrics') {
        try {
          authorize(request, Permission.read, 'GET /metrics');
          const text = await options.services.prometheus.render();
          return new Response(request.method === 'HEAD' ? null : text, { headers: { 'content-type': options.services.prometheus.contentType } });
        } catch (error) {
          return failure(error, log);
        }
      }
    }
    return toResponse(await api.handle(fromFetch(request, undefined), url, options.principalOf(request)));
  }

  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname === options.graphqlEndpoint) return;
      return handle(request, url).then(endResponse);
    },
  };
}

function html(body: string): Response {
  return new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}
