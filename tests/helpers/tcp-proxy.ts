import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  url: string;
  /** Drops every open connection (clients reconnect through `to()` again). */
  cut(): void;
  close(): Promise<void>;
}

/**
 * The load balancer, as small as it gets: each new TCP connection goes to
 * the port `to()` names at that moment (round-robin, or "whichever node is
 * up", as the test decides).
 */
export function tcpProxy(to: () => number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(to(), '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        cut: () => open.forEach((s) => s.destroy()),
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            open.forEach((s) => s.destroy());
          }),
      }),
    ),
  );
}
