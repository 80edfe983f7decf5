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

/** One problem with one field of an input, e.g. sample 3's success_rate. */
export interface FieldError {
  index?: number;
  field: string;
  message: string;
}

export interface AppErrorOptions {
  errors?: FieldError[];
  /** When trying again makes sense: the client is told to wait this long. */
  retryAfterSeconds?: number;
}

/**
 * An expected error: its message and code are safe to show to the client. It knows nothing of
 * HTTP or GraphQL; each edge maps it to its own form (http/status.ts, graphql/errors.ts).
 * Anything else that escapes is masked as an internal error.
 */
const APP_ERROR = Symbol.for('meta-agent.AppError');

export class AppError extends Error {
  readonly [APP_ERROR] = true;
  readonly errors: FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const badRequest = (message: string) => new AppError(ErrorCode.badRequest, message);
export const validationFailed = (message: string, errors: FieldError[]) => new AppError(ErrorCode.validation, message, { errors });
export const notFound = (message: string) => new AppError(ErrorCode.notFound, message);
export const conflict = (message: string) => new AppError(ErrorCode.conflict, message);

/** True for an AppError even across duplicate copies of this module. */
export function isAppError(error: unknown): error is AppError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[APP_ERROR] === true;
}

/** A value quoted in an error message, cut to a readable length. */
export function quoted(value: string, max = 80): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return `'${printable.length > max ? `${printable.slice(0, max)}…` : printable}'`;
}
