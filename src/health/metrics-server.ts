// The monitor's scrape target: an HTTP server answering GET /metrics in the Prometheus text
// format (prom-client), with samples taken afresh at each scrape from `snapshot`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import { ConfigError, DbProxyError, describeError } from '../errors.js';
import { formatListenAddress, type ListenAddress } from './listen-address.js';
import { METRICS, type MetricName, type Sample } from './metrics.js';

export interface MetricsServer {
  /** host:port actually listened on (the port the OS chose for port 0). */
  address: string;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  listen: ListenAddress;
  snapshot: () => Promise<Sample[]>;
  onError: (message: string) => void;
}

/** A registry with every metric of METRICS, filled from one scrape's samples. */
export function createMetricsRegistry(): { registry: Registry; fill: (samples: readonly Sample[]) => void } {
  const registry = new Registry();
  const metrics = new Map<MetricName, Gauge | Counter>();
  for (const [name, definition] of Object.entries(METRICS) as [MetricName, (typeof METRICS)[MetricName]][]) {
    const config = { name, help: definition.help, labelNames: [...definition.labels], registers: [registry] };
    metrics.set(name, definition.type === 'counter' ? new Counter(config) : new Gauge(config));
  }
  return {
    registry,
    fill: (samples) => {
      // The values are the heartbeats' and systemd's: each scrape replaces them all, so a project
      // that went away leaves no stale series behind.
      for (const metric of metrics.values()) metric.reset();
      for (const { metric, labels, value } of samples) {
        const target = metrics.get(metric)!;
        if (target instanceof Counter) target.inc(labels, value);
        else target.set(labels, value);
      }
    },
  };
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, fill } = createMetricsRegistry();
  // One scrape at a time: the registry is filled and serialised as a whole.
  let queue: Promise<unknown> = Promise.resolve();
  const scrape = (): Promise<string> => {
    const next = queue.then(async () => {
      fill(await options.snapshot());
      return registry.metrics();
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET /metrics\n');
    } else if (path === '/metrics') {
      scrape().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => {
          const message = `metrics could not be gathered: ${describeError(error)}`;
          options.onError(message);
          response.writeHead(500, { 'content-type': 'text/plain' }).end(`${message}\n`);
        },
      );
    } else if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('db-proxy monitor: metrics at /metrics\n');
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics at /metrics\n');
    }
  };
  const server = createServer(handle);
  const wanted = formatListenAddress(options.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const message = `metrics_listen ${wanted}: cannot listen there: ${error.code ?? error.message}`;
      // A port still held by another process may come free (systemd retries); an address this
      // host does not have, or a privileged port, will not.
      reject(
        error.code === 'EADDRINUSE'
          ? new DbProxyError('METRICS_PORT_IN_USE', `${message} (another process listens on the port)`, {
              cause: error,
            })
          : new ConfigError(message, { cause: error }),
      );
    });
    server.listen(options.listen.port, options.listen.host, resolve);
  });
  const bound = server.address() as AddressInfo;
  return {
    address: formatListenAddress({ host: bound.address, port: bound.port }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
