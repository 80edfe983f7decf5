import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../app.js';
import { GRAPHQL_ENDPOINT } from '../app.js';
import type { TokenRegistry } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { attachWebsocket } from './websocket.js';
import { fromNode } from './edge-request.js';
import { logRefusal, Refusal } from './guard.js';
import { failureReply, type Reply } from './respond.js';
import { AppError, ErrorCode } from '../errors.js';

export interface HttpServerOptions {
  app: App;
  logger: Logger;
  config: Config;
  tokens: TokenRegistry;
}

export interface HttpServer {
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, closes websocket clients, lets in-flight requests finish (up to graceMs). */
  close(graceMs?: number): Promise<void>;
}

/** The request's URL; a Host header no URL can hold is a 400. */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  } catch {
    throw new AppError(ErrorCode.badRequest, 'The request line or Host header is not a valid URL');
  }
}

/** The Node HTTP server around the app's fetch handler, with graphql-ws on the same port and path. */
export function createHttpServer({ app, logger, config, tokens }: HttpServerOptions): HttpServer {
  const maxBodyBytes = config.limits.maxBodyBytes;
  const log = logger.child({ module: 'http' });
  // Node leaves a slow client 60 s for its headers and 300 s for its whole request, checked every
  // 30 s: long enough for a few hundred trickling sockets to hold the server's connections.
  const server = createServer({
    headersTimeout: config.http.headersTimeoutSeconds * 1000,
    requestTimeout: config.http.requestTimeoutSeconds * 1000,
    keepAliveTimeout: config.http.keepAliveTimeoutSeconds * 1000,
    connectionsCheckingInterval: 1000,
  }, (req: IncomingMessage, res: ServerResponse) => {
    // Refuse an announced oversize body before reading any of it; streamed bodies are bounded where read.
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(JSON.stringify({ status: 'error', message: `Request body exceeds the ${maxBodyBytes}-byte limit`, code: 'PAYLOAD_TOO_LARGE' }));
      req.resume();
      return;
    }
    if (app.nativeRest && req.url?.startsWith('/api/')) void serveApi(req, res);
    else void app.yoga(req, res);
  });

  /**
   * /api/… straight from Node's request to the REST core and back, through the same front door
   * and routes as Yoga's path, without building a fetch Request and Response for each call:
   * that adapter cost more CPU per request than the route itself.
   */
  async function serveApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    const request = fromNode(req);
    try {
      const url = requestUrl(req);
      try {
        reply = await app.rest.handle(request, url, app.frontDoor.admit(request, url));
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        logRefusal(log, request.method, url.pathname, error);
        reply = failureReply(error.error, log);
      }
    } catch (error) {
      reply = failureReply(error, log);
    }
    if (res.destroyed) return;
    res.writeHead(reply.status, reply.headers);
    res.end(req.method === 'HEAD' ? undefined : reply.body);
  }
  server.on('clientError', (error, socket) => {
    const timedOut = (error as NodeJS.ErrnoException).code === 'ERR_HTTP_REQUEST_TIMEOUT';
    log.debug({ err: error }, timedOut ? 'HTTP request too slow' : 'malformed HTTP request');
    if (socket.writable) socket.end(`HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}\r\nconnection: close\r\n\r\n`);
  });
  const websocket = attachWebsocket(server, app.yoga, {
    path: GRAPHQL_ENDPOINT,
    maxPayloadBytes: config.http.maxWebsocketMessageBytes,
    maxSubscriptionsPerSocket: config.limits.maxSubscriptionsPerSocket,
    maxSocketsPerAddress: config.limits.maxWebsocketsPerAddress,
    exemptLoopback: config.http.rateLimit.exemptLoopback,
    allowedOrigins: config.http.allowedOrigins,
    tokens,
    logger,
  });

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close(graceMs = 3000) {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await websocket.close();
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
