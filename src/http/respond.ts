import { ErrorCode, isAppError } from '../errors.js';
import { httpFormOf } from './status.js';
import type { Logger } from '../logger.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** The REST success envelope: {"status":"success", ...body}. */
export function success(body: Record<string, unknown>, status = 200): Response {
  return new Response(JSON.stringify({ status: 'success', ...body }), { status, headers: JSON_HEADERS });
}

/** The REST error envelope: the fitting 4xx/5xx, a message and a code; never a stack trace. */
export function failure(error: unknown, logger: Logger, headers: Record<string, string> = {}): Response {
  if (isAppError(error)) {
    const body: Record<string, unknown> = { status: 'error', message: error.message, code: error.code };
    if (error.errors) body.errors = error.errors;
    const form = httpFormOf(error);
    return new Response(JSON.stringify(body), { status: form.status, headers: { ...JSON_HEADERS, ...form.headers, ...headers } });
  }
  logger.error({ err: error }, 'unexpected error in REST handler');
  const body = { status: 'error', message: 'Internal server error', code: ErrorCode.internal };
  return new Response(JSON.stringify(body), { status: 500, headers: JSON_HEADERS });
}
