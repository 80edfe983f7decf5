import { ErrorCode, isAppError } from '../errors.js';
import { httpFormOf } from './status.js';
import type { Logger } from '../logger.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** An answer as either server writes it: Yoga's as a Response, Node's own with writeHead/end. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The REST success envelope: {"status":"success", ...body}. */
export function successReply(body: Record<string, unknown>, status = 200): Reply {
  return { status, headers: JSON_HEADERS, body: JSON.stringify({ status: 'success', ...body }) };
}

/** The REST error envelope: the fitting 4xx/5xx, a message and a code; never a stack trace. */
export function failureReply(error: unknown, logger: Logger, headers: Record<string, string> = {}): Reply {
  if (isAppError(error)) {
    const body: Record<string, unknown> = { status: 'error', message: error.message, code: error.code };
    if (error.errors) body.errors = error.errors;
    const form = httpFormOf(error);
    return { status: form.status, headers: { ...JSON_HEADERS, ...form.headers, ...headers }, body: JSON.stringify(body) };
  }
  logger.error({ err: error }, 'unexpected error in REST handler');
  return { status: 500, headers: JSON_HEADERS, body: JSON.stringify({ status: 'error', message: 'Internal server error', code: ErrorCode.internal }) };
}

export const toResponse = (reply: Reply): Response => new Response(reply.body, { status: reply.status, headers: reply.headers });
export const success = (body: Record<string, unknown>, status = 200): Response => toResponse(successReply(body, status));
export const failure = (error: unknown, logger: Logger, headers: Record<string, string> = {}): Response => toResponse(failureReply(error, logger, headers));
