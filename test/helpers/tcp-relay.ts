import net from 'node:net';

/**
 * A TCP relay on loopback in front of a real service (PostgreSQL, Redis): `cut()` closes it and
 * every connection through it, as an outage would; `restore()` listens again on the same port.
 */
export async function tcpRelay(host: string, port: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relayPort = (server.address() as net.AddressInfo).port;
  const cut = () => {
    server.close();
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: relayPort,
    cut,
    restore: () => new Promise<void>((resolve) => server.listen(relayPort, '127.0.0.1', resolve)),
    close: cut,
  };
}
