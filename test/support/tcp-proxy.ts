// A TCP forwarder on 127.0.0.1 in front of the real MariaDB, so a test can make MySQL unreachable
// (proxy not listening) and reachable again, or leave open connections hanging as a dead network
// path does, without touching the shared server.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  listen(): Promise<void>;
  /** Stops listening and cuts every open connection. */
  close(): Promise<void>;
  /**
   * The connections open now stop carrying data, both ways, but stay open (a dead network path:
   * no reset, no close); connections made afterwards work.
   */
  stall(): void;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function createTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const stalled = new Set<Socket>();
  let server: Server | undefined;
  return {
    port,
    async listen() {
      server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    },
    stall() {
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
        stalled.add(socket);
      }
    },
    async close() {
      for (const socket of [...sockets, ...stalled]) socket.destroy();
      if (server) await new Promise((resolve) => server?.close(resolve));
      server = undefined;
    },
  };
}
