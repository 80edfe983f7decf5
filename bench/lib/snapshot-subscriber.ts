import WebSocket from 'ws';

/**
 * One subscriber to the health snapshot speaking graphql-transport-ws itself, reading only the two
 * fields it times: the full client library would parse and dispatch every message, and with ten
 * thousand of them in one process the load generator, not the server, would set the figure.
 * `query` must select `timestamp` and `tickMs`; resolves on the first snapshot.
 */
export function snapshotSubscriber(url: string, query: string, onSnapshot: (timestamp: string, tickMs: number) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    let first = true;
    socket.on('open', () => socket.send('{"type":"connection_init"}'));
    socket.on('error', reject);
    socket.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"connection_ack"')) return socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
      if (text.includes('"ping"')) return socket.send('{"type":"pong"}');
      const timestamp = /"timestamp":"([^"]+)"/.exec(text)?.[1];
      if (!timestamp) return reject(new Error(`unexpected message: ${text.slice(0, 200)}`));
      if (first) {
        first = false;
        resolve(socket);
      }
      // A snapshot read back from the database (a standby's first) has no tick time.
      onSnapshot(timestamp, Number(/"tickMs":([\d.]+)/.exec(text)?.[1] ?? 0));
    });
  });
}
