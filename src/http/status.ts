import { AppError, ErrorCode } from '../errors.js';

/** How each error code answers over HTTP. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INSUFFICIENT_STORAGE: 507,
  // Only ever sent over a websocket; the status is for completeness.
  SUBSCRIBER_TOO_SLOW: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** A refusal made by the HTTP layer itself, with headers of its own (Allow on a 405). */
export class HttpError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly headers: Record<string, string>,
  ) {
    super(code, message);
  }
}

/** The status and headers an AppError answers with over HTTP. */
export function httpFormOf(error: AppError): { status: number; headers: Record<string, string> } {
  const headers: Record<string, string> = error instanceof HttpError ? { ...error.headers } : {};
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  return { status: HTTP_STATUS[error.code], headers };
}
