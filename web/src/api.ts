import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from './gql/graphql';

const TOKEN_KEY = 'meta-agent-token';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY) ?? '',
  set(value: string) {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const authHeaders = (): Record<string, string> => (token.get() ? { authorization: `Bearer ${token.get()}` } : {});

/** A query or mutation over HTTP; throws ApiError with the server's message and code. */
export async function request<R, V>(document: TypedDocumentString<R, V>, variables?: V): Promise<R> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...authHeaders() },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: R; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (body.errors?.length) throw new ApiError(body.errors[0]!.message, body.errors[0]!.extensions?.code);
  if (!response.ok || !body.data) throw new ApiError(`HTTP ${response.status}`, undefined);
  return body.data;
}

const listeners = new Set<(state: ConnectionState) => void>();
let state: ConnectionState = 'connecting';
const setState = (next: ConnectionState) => {
  state = next;
  for (const listener of listeners) listener(next);
};

export function onConnectionState(listener: (state: ConnectionState) => void): () => void {
  listeners.add(listener);
  listener(state);
  return () => listeners.delete(listener);
}

let client: Client | undefined;

/**
 * One graphql-ws connection for every live view. It retries for ever with backoff, so after a
 * server restart it reconnects and every subscription resumes by itself.
 */
function ws(): Client {
  client ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => (token.get() ? { authorization: `Bearer ${token.get()}` } : {}),
    // Stay connected whatever the page, so the badge tells the truth about the link to the server.
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** retries))),
    keepAlive: 10_000,
    on: {
      connecting: () => setState(state === 'live' || state === 'reconnecting' ? 'reconnecting' : 'connecting'),
      connected: () => setState('live'),
      closed: () => setState(state === 'live' ? 'reconnecting' : state === 'connecting' ? 'offline' : state),
    },
  });
  return client;
}

/** Opens the live connection (it stays open, reconnecting as needed). */
export function connect(): void {
  ws();
}

/** Reconnects with the current token (after it changed). */
export async function reconnect(): Promise<void> {
  const old = client;
  client = undefined;
  await old?.dispose();
}

/** A live subscription; call the returned function to stop it. */
export function subscribe<R, V>(document: TypedDocumentString<R, V>, variables: V, next: (data: R) => void, error?: (message: string) => void): () => void {
  return ws().subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) error?.(result.errors[0]!.message);
        else if (result.data) next(result.data as R);
      },
      error: (e) => error?.(e instanceof Error ? e.message : 'connection closed'),
      complete: () => undefined,
    },
  );
}
