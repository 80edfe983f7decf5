import { GraphQLError } from 'graphql';

export const ErrorCode = {
  badRequest: 'BAD_REQUEST',
  validation: 'VALIDATION_FAILED',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  rateLimited: 'RATE_LIMITED',
  unavailable: 'SERVICE_UNAVAILABLE',
  storageFull: 'INSUFFICIENT_STORAGE',
  subscriberTooSlow: 'SUBSCRIBER_TOO_SLOW',
  internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const HTTP_STATUS: Record<ErrorCode, number> = {
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

/** One problem with one field of an input, e.g. sample 3's success_rate. */
export interface FieldError {
  index?: number;
  field: string;
  message: string;
}

/**
 * An expected error: its message and code are safe to show to the client.
 * It is a GraphQLError so that Yoga passes it through unmasked, and REST maps
 * its code to an HTTP status. Anything else that escapes is masked.
 */
const APP_ERROR = Symbol.for('meta-agent.AppError');

export class AppError extends GraphQLError {
  readonly [APP_ERROR] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  /** HTTP headers the answer needs, e.g. Allow for 405 or Retry-After for 429. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, errors?: FieldError[], headers: Record<string, string> = {}) {
    super(message, { extensions: errors ? { code, errors } : { code } });
    this.name = 'AppError';
    this.code = code;
    this.status = HTTP_STATUS[code];
    this.errors = errors;
    this.headers = headers;
  }
}

export const badRequest = (message: string) => new AppError(ErrorCode.badRequest, message);
export const validationFailed = (message: string, errors: FieldError[]) =>
  new AppError(ErrorCode.validation, message, errors);
export const notFound = (message: string) => new AppError(ErrorCode.notFound, message);
export const conflict = (message: string) => new AppError(ErrorCode.conflict, message);

/** True for an AppError even across duplicate copies of the graphql package (the dual-package hazard). */
export function isAppError(error: unknown): error is AppError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[APP_ERROR] === true;
}

/** The same error with other extensions (GraphQLError's are read-only). */
export function withExtensions(error: GraphQLError, extensions: Record<string, unknown>): GraphQLError {
  const { nodes, source, positions, path, originalError } = error;
  return new GraphQLError(error.message, { nodes, source, positions, path, originalError, extensions });
}
