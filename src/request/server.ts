// Parsing of the request's `server` field: `host` or `host:port`.

export interface ServerAddress {
  host: string;
  port: number;
}

export const DEFAULT_MYSQL_PORT = 3306;

const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const SERVER_EXPECTATION = '"host" or "host:port": a host name or IPv4 address, optional port 1-65535';

function isHostName(host: string): boolean {
  if (IPV4.test(host)) return true;
  if (/^\d+(?:\.\d+)*$/.test(host)) return false; // looks numeric but is not a valid IPv4
  return host.length <= 253 && host.split('.').every((label) => HOST_LABEL.test(label));
}

/** Returns the address, or undefined when the text is not `host` or `host:port`. */
export function parseServer(text: string): ServerAddress | undefined {
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match) return undefined;
  const host = match[1] ?? '';
  if (!isHostName(host)) return undefined;
  const port = match[2] === undefined ? DEFAULT_MYSQL_PORT : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host, port };
}
