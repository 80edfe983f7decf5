import type { IncomingMessage, Server } from 'node:http';
import type { Principal } from '../auth/roles.js';
import { ANONYMOUS_ADMIN, type TokenRegistry } from '../auth/tokens.js';
import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { withExtensions } from '../graphql/errors.js';
import { useServer } from 'graphql-ws/use/ws';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Yoga } from '../app.js';
import type { Logger } from '../logger.js';
import { bearerToken } from './guard.js';
import { CROSS_SITE_REFUSED, isLoopback, originAllowed } from './origin.js';
import { createSharedFrames } from './shared-frames.js';

type VerifyDone = (result: boolean, code?: number, message?: string, headers?: Record<string, string>) => void;
const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };

/** The same answer a cross-site HTTP request gets from the guard. */
const CROSS_SITE_REFUSAL = JSON.stringify({ status: 'error', message: CROSS_SITE_REFUSED, code: 'FORBIDDEN' });

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

export interface WebsocketOptions {
  path: string;
  maxPayloadBytes: number;
  maxSubscriptionsPerSocket: number;
  maxSocketsPerAddress: number;
  /** Clients on this host are trusted not to flood it (http.rateLimit.exemptLoopback). */
  exemptLoopback: boolean;
  allowedOrigins: readonly string[];
  tokens: TokenRegistry;
  logger: Logger;
}

/**
 * graphql-ws (subprotocol graphql-transport-ws) on the HTTP server's GraphQL path. Each
 * operation goes through Yoga's envelop, so websockets get the same plugins and context as HTTP.
 */
export function attachWebsocket(server: Server, app: Yoga, options: WebsocketOptions) {
  const log = options.logger.child({ module: 'websocket' });
  const openPerAddress = new Map<string, number>();
  // Not attached with `server`: ws would then re-emit the HTTP server's own errors (a port in use)
  // as its own, and graphql-ws print a warning of its own about them. Upgrades are handed over here.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    verifyClient: ({ origin, req }: { origin: string; req: IncomingMessage }, done: VerifyDone) => {
      const address = req.socket.remoteAddress ?? '';
      // A page from another origin must not ride a user's network position (cross-site websocket hijacking).
      if (!originAllowed(origin, req.headers.host, options.allowedOrigins)) {
        log.warn({ origin, address }, 'websocket refused: cross-site origin');
        return done(false, 403, CROSS_SITE_REFUSAL, JSON_HEADERS);
      }
      const exempt = options.exemptLoopback && isLoopback(address);
      if (!exempt && (openPerAddress.get(address) ?? 0) >= options.maxSocketsPerAddress) {
        log.warn({ address, open: options.maxSocketsPerAddress }, 'websocket refused: too many open from this address');
        const message = `This address already holds ${options.maxSocketsPerAddress} open websockets (the limit); close one, or share one socket between subscriptions`;
        return done(false, 429, JSON.stringify({ status: 'error', message, code: 'RATE_LIMITED' }), { ...JSON_HEADERS, 'Retry-After': '5' });
      }
      done(true);
    },
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').split('?')[0] !== options.path) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const frames = createSharedFrames();
  wss.on('connection', (socket, req) => {
    frames.wrapSend(socket);
    const address = req.socket.remoteAddress ?? '';
    openPerAddress.set(address, (openPerAddress.get(address) ?? 0) + 1);
    socket.once('close', () => {
      const left = (openPerAddress.get(address) ?? 1) - 1;
      if (left > 0) openPerAddress.set(address, left);
      else openPerAddress.delete(address);
    });
  });
  const graphqlWs = useServer(
    {
      // The token travels in connection_init: {"authorization": "Bearer <token>"} (or {"token": "<token>"}).
      onConnect: (ctx) => {
        const params = ctx.connectionParams ?? {};
        const token = bearerToken(params.authorization ?? params.Authorization) ?? (typeof params.token === 'string' ? params.token : undefined);
        const principal = options.tokens.enabled ? options.tokens.authenticate(token) : ANONYMOUS_ADMIN;
        if (!principal) {
          log.warn({ address: ctx.extra.request.socket.remoteAddress, reason: token ? 'invalid token' : 'no token' }, 'websocket refused: authentication');
          return false;
        }
        (ctx.extra as { principal?: Principal }).principal = principal;
        return true;
      },
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      // A subscription's event: one serialisation per event and selection, whatever the number
      // of subscribers (shared-frames.ts). A query's or mutation's answer goes as graphql-ws sends it.
      onNext: (_ctx, _id, _payload, args, result) => (isSubscription(args) ? (frames.payloadFor(result as ExecutionResult) as never) : undefined),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        // The operation being started is already counted.
        const open = Object.keys(ctx.subscriptions).length;
        if (open > options.maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(
              `This connection already holds ${options.maxSubscriptionsPerSocket} operations (the limit per websocket); complete one first, or open another connection`,
              { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: options.maxSubscriptionsPerSocket } },
            ),
          ];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = app.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors.map(withoutHttpExtension);
        return {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );
  wss.on('error', (error) => log.error({ err: error }, 'websocket server error'));
  return {
    wss,
    /** Closes every client (1001 going away) and the server. */
    async close(): Promise<void> {
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await graphqlWs.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

const operationKinds = new WeakMap<DocumentNode, Map<string, boolean>>();
/** Whether the operation is a subscription, remembered per parsed document. */
function isSubscription({ document, operationName }: ExecutionArgs): boolean {
  let kinds = operationKinds.get(document);
  if (!kinds) operationKinds.set(document, (kinds = new Map()));
  const key = operationName ?? '';
  let kind = kinds.get(key);
  if (kind === undefined) kinds.set(key, (kind = getOperationAST(document, operationName)?.operation === 'subscription'));
  return kind;
}

/** Yoga's `http` extension (the status for an HTTP answer) means nothing on a websocket. */
function withoutHttpExtension(error: GraphQLError): GraphQLError {
  if (!error.extensions.http) return error;
  const { http: _http, ...extensions } = error.extensions;
  return withExtensions(error, extensions);
}
