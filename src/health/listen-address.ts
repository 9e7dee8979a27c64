// The address the monitor serves its metrics on: `host:port` (an IPv6 host in brackets), checked
// once for defaults.json and --metrics-listen alike.
import { isIP } from 'node:net';

export const LISTEN_EXPECTATION = 'host:port with a port 1-65535, e.g. "127.0.0.1:9464" or "[::1]:9464"';

export interface ListenAddress {
  host: string;
  port: number;
}

/** undefined when the text is not host:port; names are allowed (localhost), IPv6 only in brackets. */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (!(port >= 1 && port <= 65_535)) return undefined;
  const host = match[1] ?? match[2]!;
  if (match[1] !== undefined && isIP(host) !== 6) return undefined;
  if (match[2] !== undefined && (host.startsWith('-') || host.startsWith('.') || host.includes('..'))) return undefined;
  return { host, port };
}

/** `[::1]:9464` for IPv6, `127.0.0.1:9464` otherwise: what a scrape config names. */
export function formatListenAddress(address: ListenAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
