import { GraphQLError } from 'graphql';
import type { AppError } from '../errors.js';

/** The same error with other extensions (GraphQLError's are read-only). */
export function withExtensions(error: GraphQLError, extensions: Record<string, unknown>): GraphQLError {
  const { nodes, source, positions, path, originalError } = error;
  return new GraphQLError(error.message, { nodes, source, positions, path, originalError, extensions });
}

/** How an AppError reads in a GraphQL answer: its message, and its code (and field errors) as extensions. */
export function appErrorExtensions(error: AppError): Record<string, unknown> {
  return error.errors ? { code: error.code, errors: error.errors } : { code: error.code };
}
