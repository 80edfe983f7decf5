import { afterEach } from 'vitest';
import WebSocket from 'ws';

const sockets: WebSocket[] = [];
afterEach(() => {
  while (sockets.length > 0) sockets.pop()!.terminate();
});

export interface RawSocket {
  socket: WebSocket;
  messages: Array<{ id?: string; type: string; payload?: any }>;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  /** Stops reading from the TCP socket: the server's writes pile up in the kernel, then wait. */
  stopReading(): void;
  closed: Promise<{ code: number; reason: string }>;
}

/** A graphql-transport-ws connection driven by hand (acknowledged), for what a client library hides. */
export async function rawSocket(url: string, connectionParams: Record<string, unknown> = {}): Promise<RawSocket> {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  sockets.push(socket);
  const messages: RawSocket['messages'] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const acked = new Promise<void>((resolve) =>
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      messages.push(message);
      if (message.type === 'connection_ack') resolve();
    }),
  );
  socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams }));
  await acked;
  return {
    socket,
    messages,
    closed,
    subscribe(id, query, variables) {
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    },
    stopReading() {
      (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    },
  };
}

/** Waits until `check` passes, polling; fails after timeoutMs. */
export async function eventually(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
