import { can, rolesWith, type Permission, type Principal } from '../auth/roles.js';
import { AppError, badRequest, ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/services.js';
import { readEdgeJson, type EdgeRequest } from './edge-request.js';
import { failureReply, successReply, type Reply } from './respond.js';
import { createRouter, parseQuery, type Route } from './router.js';

export interface RestApiOptions {
  routes: readonly Route[];
  services: Services;
  logger: Logger;
  maxBodyBytes: number;
  maxRows: number;
}

export type RestApi = ReturnType<typeof createRestApi>;

/**
 * The REST routes (/api/…) as one function of a request, whichever server brought it (Yoga's
 * fetch handler in process, Node's own on the port): route, role, query, body, handler, envelope.
 */
export function createRestApi(options: RestApiOptions) {
  const router = createRouter(options.routes);
  const log = options.logger.child({ module: 'rest' });

  /** The caller, if its role may do `what`; else a 403 naming the roles that may. */
  function authorize(principal: Principal | undefined, permission: Permission, what: string, path: string): Principal {
    if (principal && can(principal, permission)) return principal;
    log.warn({ path, principal: principal?.id, role: principal?.role, needs: permission }, 'request refused: role');
    throw new AppError(ErrorCode.forbidden, `Role ${principal?.role ?? 'none'} may not ${what}: it needs ${rolesWith(permission).join(' or ')}`);
  }

  return {
    authorize,
    /** One call to a route: its answer in the success envelope, or the error envelope. */
    async handle(request: EdgeRequest, url: URL, principal: Principal | undefined): Promise<Reply> {
      try {
        const { route, params } = router.match(request.method, url.pathname);
        const caller = authorize(principal, route.permission, `${route.method} ${route.path}`, url.pathname);
        const query = parseQuery(url, route);
        let body: Promise<unknown> | undefined;
        const readBody = () => (body ??= readEdgeJson(request, options.maxBodyBytes));
        if (!route.body) await refuseBody(request, readBody, route.path);
        const result = await route.handle({ services: options.services, actor: { id: caller.id }, principal: caller, params, query, body: readBody, maxRows: options.maxRows });
        return successReply(result);
      } catch (error) {
        return failureReply(error, log);
      }
    },
  };
}

/** An endpoint that takes no body accepts none, or an empty object; anything else is a mistake worth saying. */
async function refuseBody(request: EdgeRequest, read: () => Promise<unknown>, path: string): Promise<void> {
  // A GET's body never reaches a fetch Request: its headers are what show it was sent.
  const length = Number(request.header('content-length') ?? 0);
  if ((request.method === 'GET' || request.method === 'HEAD') && (length > 0 || request.header('transfer-encoding') !== undefined)) {
    throw badRequest(`${request.method} ${path} takes no request body`);
  }
  const body = await read();
  if (body === undefined) return;
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
  throw badRequest(`${path} takes no request body`);
}
