import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Principal } from '../auth/roles.js';
import { AppError, badRequest, ErrorCode, isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Encoding } from '../otlp/pipeline.js';
import { encodeExportResponse, encodeStatus } from '../otlp/proto.js';
import type { ExportOutcome, OtlpService } from '../services/otlp.js';
import { readBodyBytes, tooLarge } from './body.js';
import { HttpError, httpFormOf } from './status.js';

/** OTLP/HTTP's standard path for metrics. */
export const OTLP_METRICS_PATH = '/v1/metrics';

const CONTENT_TYPES: Record<Encoding, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };

/** The encoding a request's Content-Type names; undefined for anything else. */
function encodingOf(request: Request): Encoding | undefined {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === CONTENT_TYPES.json) return 'json';
  if (type === CONTENT_TYPES.protobuf) return 'protobuf';
  return undefined;
}

/** Exports decoded and stored at once; one more is told to come back (503, Retry-After). */
const MAX_EXPORTS_IN_FLIGHT = 16;

const gunzipAsync = promisify(gunzip);

export interface OtlpEndpointOptions {
  otlp: OtlpService;
  maxBodyBytes: number;
  logger: Logger;
  /** The caller, if its role may report samples; else throws the refusal. */
  authorize(request: Request): Principal;
}

/**
 * POST /v1/metrics, per the OTLP/HTTP specification: protobuf or JSON, optionally gzipped; 200
 * with an ExportMetricsServiceResponse (a partialSuccess when points were refused), else a
 * google.rpc.Status in the request's encoding with the fitting status (400 undecodable, 413 too
 * large, 415 unsupported, 429/503 with Retry-After). A refused request stores nothing.
 */
export function createOtlpEndpoint({ otlp, maxBodyBytes, logger, authorize }: OtlpEndpointOptions) {
  const log = logger.child({ module: 'otlp' });
  let inFlight = 0;

  return async function handle(request: Request): Promise<Response> {
    const encoding = encodingOf(request);
    try {
      if (request.method !== 'POST') throw new HttpError(ErrorCode.methodNotAllowed, `${OTLP_METRICS_PATH} takes POST (an OTLP export)`, { allow: 'POST' });
      if (!encoding) {
        throw new AppError(ErrorCode.unsupportedMediaType, `Content-Type must be ${CONTENT_TYPES.protobuf} or ${CONTENT_TYPES.json} (an OTLP export), got ${(request.headers.get('content-type') ?? 'none').slice(0, 60)}`);
      }
      const principal = authorize(request);
      const compressed = await readBodyBytes(request, maxBodyBytes);
      const bytes = await inflate(compressed, request.headers.get('content-encoding'), maxBodyBytes);
      // Counted once the body is in, so senders trickling their bodies cannot hold the slots.
      if (inFlight >= MAX_EXPORTS_IN_FLIGHT) {
        throw new AppError(ErrorCode.unavailable, `The OTLP receiver is busy with ${inFlight} exports; nothing was stored. Send it again`, { retryAfterSeconds: 1 });
      }
      inFlight += 1;
      let outcome: ExportOutcome;
      try {
        outcome = await otlp.receive(bytes, encoding, { role: principal.role });
      } finally {
        inFlight -= 1;
      }
      if (outcome.rejectedDataPoints > 0) log.warn({ rejected: outcome.rejectedDataPoints, reason: outcome.errorMessage.slice(0, 500) }, 'OTLP points refused');
      return exportResponse(outcome, encoding);
    } catch (error) {
      return otlpFailure(error, encoding ?? 'json', log);
    }
  };
}

async function inflate(bytes: Buffer, contentEncoding: string | null, maxBytes: number): Promise<Buffer> {
  const coding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity') return bytes;
  if (coding !== 'gzip') throw new AppError(ErrorCode.unsupportedMediaType, `Content-Encoding ${coding.slice(0, 40)} is not supported; send gzip or no encoding`);
  try {
    return await gunzipAsync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
    throw badRequest(`The body is not valid gzip: ${(error as Error).message}`);
  }
}

function exportResponse({ rejectedDataPoints, errorMessage }: ExportOutcome, encoding: Encoding): Response {
  const partial = rejectedDataPoints > 0 || errorMessage !== '';
  const body =
    encoding === 'protobuf'
      ? new Uint8Array(encodeExportResponse(rejectedDataPoints, errorMessage))
      : // Proto3 JSON writes a 64-bit integer as a string.
        JSON.stringify(partial ? { partialSuccess: { rejectedDataPoints: String(rejectedDataPoints), errorMessage } } : {});
  return new Response(body, { status: 200, headers: { 'content-type': CONTENT_TYPES[encoding] } });
}

/** gRPC status codes for the HTTP statuses an export can be refused with (google.rpc.Status.code). */
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 409: 10, 413: 8, 415: 3, 429: 8, 503: 14, 507: 8 };
const GRPC_INTERNAL = 13;

/** A refusal as OTLP/HTTP wants it: the HTTP status, Retry-After where it applies, a Status body in the request's encoding. */
export function otlpFailure(error: unknown, encoding: Encoding, log: Logger): Response {
  let status = 500;
  let headers: Record<string, string> = {};
  let message = 'Internal server error';
  if (isAppError(error)) {
    ({ status, headers } = httpFormOf(error));
    message = error.message;
  } else log.error({ err: error }, 'unexpected error receiving an OTLP export');
  const code = GRPC_CODE[status] ?? GRPC_INTERNAL;
  const body = encoding === 'protobuf' ? new Uint8Array(encodeStatus(code, message)) : JSON.stringify({ code, message });
  return new Response(body, { status, headers: { ...headers, 'content-type': CONTENT_TYPES[encoding] } });
}

/** The encoding to answer a refused /v1/metrics request in (the guard's refusals too). */
export const otlpEncodingOf = (request: Request): Encoding => encodingOf(request) ?? 'json';
