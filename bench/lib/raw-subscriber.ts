import WebSocket from 'ws';

export type Pace = 'reads' | 'slow' | 'never';

export interface RawSubscriber {
  received: () => number;
  errors: () => string[];
  closed: () => boolean;
  close(): void;
}

/**
 * A graphql-transport-ws client driven by hand so it can stop reading its TCP socket: `slow`
 * reads 2 s out of every 7, `never` stops reading once subscribed (the server's writes pile up
 * in the kernel, then wait).
 */
export async function rawSubscriber(url: string, queries: readonly string[], pace: Pace): Promise<RawSubscriber> {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  let received = 0;
  let closed = false;
  const errors: string[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', (error) => errors.push(error.message));
  socket.on('close', () => (closed = true));
  const acked = new Promise<void>((resolve) =>
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: Array<{ message: string }> };
      if (message.type === 'connection_ack') resolve();
      else if (message.type === 'next') received += 1;
      else if (message.type === 'error') errors.push(message.payload?.[0]?.message ?? 'error');
    }),
  );
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await acked;
  queries.forEach((query, i) => socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query } })));
  const tcp = (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  let timer: NodeJS.Timeout | undefined;
  if (pace === 'never') setTimeout(() => tcp.pause(), 500);
  if (pace === 'slow') {
    let phase = 0;
    timer = setInterval(() => {
      phase = (phase + 1) % 7;
      if (phase === 0) tcp.resume();
      if (phase === 2) tcp.pause();
    }, 1000);
  }
  return {
    received: () => received,
    errors: () => errors,
    closed: () => closed,
    close() {
      if (timer) clearInterval(timer);
      socket.terminate();
    },
  };
}
