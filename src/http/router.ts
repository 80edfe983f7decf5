import { AppError, ErrorCode } from '../errors.js';
import { HttpError } from './status.js';
import type { Permission, Principal } from '../auth/roles.js';
import type { Actor } from '../services/deps.js';
import type { Services } from '../services/services.js';

export interface ParamDoc {
  name: string;
  description: string;
  type: 'string' | 'number' | 'integer';
  enum?: readonly string[];
}

export interface RestContext {
  services: Services;
  actor: Actor;
  principal: Principal;
  /** Path parameters, e.g. {id} of /improvements/{id}/approve, already URL-decoded. */
  params: Record<string, string>;
  query: Record<string, string>;
  /** The JSON body, read once and bounded; undefined when empty. */
  body(): Promise<unknown>;
  /** The row cap of list queries. */
  maxRows: number;
}

/** One REST endpoint: its contract (for the router and the OpenAPI document) and its handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  /** What the caller's role must allow (see src/auth/roles.ts). */
  permission: Permission;
  query?: ParamDoc[];
  /** Describes the JSON body, if the route reads one. */
  body?: { description: string; example: unknown; required: boolean };
  /** Keys of the success envelope besides status, as documented. */
  returns: string;
  handle(ctx: RestContext): Promise<Record<string, unknown>>;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** Matches a method and path to a route: 404 when no path matches, 405 when only the method is wrong. */
export function createRouter(routes: readonly Route[]) {
  const compiled: CompiledRoute[] = routes.map((route) => {
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        const m = /^\{(\w+)\}$/.exec(segment);
        if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[1]!);
        return '([^/]+)';
      })
      .join('/');
    return { route, names, pattern: new RegExp(`^${source}/?$`) };
  });

  return {
    match(method: string, pathname: string): Match {
      const allowed = new Set<string>();
      for (const { route, pattern, names } of compiled) {
        const m = pattern.exec(pathname);
        if (!m) continue;
        if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
          allowed.add(route.method);
          continue;
        }
        const params: Record<string, string> = {};
        names.forEach((name, i) => (params[name] = decodeSegment(m[i + 1]!)));
        return { route, params };
      }
      if (allowed.size > 0) {
        const methods = [...allowed];
        throw new HttpError(ErrorCode.methodNotAllowed, `${method} is not allowed on ${pathname.slice(0, 200)}; use ${methods.join(' or ')}`, {
          allow: methods.join(', '),
        });
      }
      throw new AppError(ErrorCode.notFound, `No endpoint at ${method} ${pathname.slice(0, 200)}; see /docs for the API`);
    },
    routes,
  };
}

/** Query parameters as a plain object; unknown or repeated names are a 400 naming them; empty values are absent. */
export function parseQuery(url: URL, route: Route): Record<string, string> {
  const allowed = new Set((route.query ?? []).map((p) => p.name));
  const query: Record<string, string> = {};
  for (const [name, value] of strictSearchParams(url.search)) {
    if (!allowed.has(name)) {
      const known = allowed.size > 0 ? `; known parameters: ${[...allowed].join(', ')}` : '; it takes none';
      throw new AppError(ErrorCode.badRequest, `Unknown query parameter '${name.slice(0, 64)}' for ${route.path}${known}`);
    }
    // A table's URL with an empty field (?limit=) means "not given", as an HTML form sends it.
    if (value === '') continue;
    if (name in query) throw new AppError(ErrorCode.badRequest, `Query parameter '${name}' is given more than once`);
    query[name] = value;
  }
  return query;
}

/**
 * The query string's pairs, parsed as URLSearchParams does (a '%' not followed by two hex
 * digits stays as typed, '+' is a space) except that bytes which are not UTF-8 are a 400:
 * URLSearchParams turns them into U+FFFD, which would store a reason other than the one sent.
 */
function strictSearchParams(search: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const [name, value] = eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    pairs.push([formDecode(name), formDecode(value)]);
  }
  return pairs;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function formDecode(text: string): string {
  const bytes = Buffer.from(text.replaceAll('+', ' '), 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes[i] === 0x25 ? bytes.subarray(i + 1, i + 3).toString('latin1') : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(bytes[i]!);
  }
  try {
    return UTF8.decode(Uint8Array.from(out));
  } catch {
    throw new AppError(ErrorCode.badRequest, 'The query string percent-encodes bytes that are not UTF-8');
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError(ErrorCode.badRequest, 'Malformed percent-encoding in the path');
  }
}
