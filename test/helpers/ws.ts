import { createClient, type Client } from 'graphql-ws';
import { afterEach } from 'vitest';
import WebSocket from 'ws';

const clients: Client[] = [];

afterEach(async () => {
  while (clients.length > 0) await clients.pop()!.dispose();
});

/** A graphql-ws client for a test server; disposed after the test. */
export function wsClient(url: string, connectionParams?: Record<string, unknown>): Client {
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: false });
  clients.push(client);
  return client;
}

/** Subscribes and returns a function that waits for the next `n` results. */
export function subscribe<T = any>(client: Client, query: { toString(): string }, variables?: Record<string, unknown>) {
  const received: T[] = [];
  const errors: unknown[] = [];
  let wake: (() => void) | undefined;
  const dispose = client.subscribe<T>(
    { query: query.toString(), variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        else received.push(result.data as T);
        wake?.();
      },
      error: (error) => {
        // A closed socket reports a CloseEvent: keep its code and reason readable.
        const close = error as { code?: number; reason?: string };
        errors.push(typeof close.code === 'number' ? `close ${close.code} ${close.reason ?? ''}` : error);
        wake?.();
      },
      complete: () => wake?.(),
    },
  );
  return {
    received,
    errors,
    dispose,
    /** Resolves once `count` results arrived in total, or rejects after timeoutMs. */
    async waitFor(count: number, timeoutMs = 5000): Promise<T[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (errors.length > 0) throw new Error(`subscription error: ${JSON.stringify(errors)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${count} results (got ${received.length})`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(left, 50));
        });
      }
      return received.slice(0, count);
    },
  };
}
