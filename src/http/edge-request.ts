import type { IncomingMessage } from 'node:http';
import { AppError, ErrorCode } from '../errors.js';
import { readBodyBytes, readJsonFrom, tooLarge } from './body.js';

/**
 * What the front door and the REST core read of a request, whichever server brought it:
 * Yoga's fetch Request (in-process calls, GraphQL's server) or Node's own IncomingMessage (the
 * REST API on a port, without the fetch adapter's cost per request).
 */
export interface EdgeRequest {
  method: string;
  /** A header by its lower-case name; undefined when absent. */
  header(name: string): string | undefined;
  /** The body's bytes (empty when none), refusing more than maxBytes while they stream in. */
  bytes(maxBytes: number): Promise<Buffer>;
  /** The client's address; undefined for an in-process call. */
  address: string | undefined;
}

export function fromFetch(request: Request, address: string | undefined): EdgeRequest {
  return {
    method: request.method,
    header: (name) => request.headers.get(name) ?? undefined,
    bytes: (maxBytes) => readBodyBytes(request, maxBytes),
    address,
  };
}

export function fromNode(req: IncomingMessage): EdgeRequest {
  return {
    method: req.method ?? 'GET',
    header(name) {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    bytes: (maxBytes) => readNodeBody(req, maxBytes),
    address: req.socket.remoteAddress,
  };
}

function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Read on to the end unkept, so the refusal can still be written on this connection.
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new AppError(ErrorCode.badRequest, `The request body could not be read: ${error.message}`));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** A JSON request body (see readJsonFrom); an empty body is undefined. */
export const readEdgeJson = (request: EdgeRequest, maxBytes: number): Promise<unknown> =>
  readJsonFrom(request.header('content-encoding'), () => request.bytes(maxBytes));
