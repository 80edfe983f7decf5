import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isAppError } from '../errors.js';
import { readJsonBody } from './body.js';
import { httpFormOf } from './status.js';

const JSON_TYPES = new Set(['application/json', 'application/graphql+json']);

/**
 * GraphQL's JSON bodies read by the same reader as REST's: bounded while streaming, and
 * refused when they are not valid UTF-8. Yoga's own parser decodes broken bytes to U+FFFD, so
 * a rejection reason sent with them was stored as something the person never wrote.
 */
export function useStrictGraphqlBody(maxBodyBytes: number): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      // Split as Yoga does (on ';' and ','), so no JSON body reaches its lenient parser.
      const type = (request.headers.get('content-type') ?? '').split(/[;,]/)[0]!.trim().toLowerCase();
      if (request.method !== 'POST' || !JSON_TYPES.has(type)) return;
      setRequestParser(async (req) => {
        let body: unknown;
        try {
          body = await readJsonBody(req, maxBodyBytes);
        } catch (error) {
          if (!isAppError(error)) throw error;
          throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: httpFormOf(error).status } } });
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          const got = body === undefined ? 'an empty body' : Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body;
          throw new GraphQLError(`POST body must be a JSON object with a query, got ${got}`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
        return body;
      });
    },
  };
}
