// Builds the MySQL source and MongoDB sink of a project from its configuration and credentials,
// with the server's TLS settings: `preferred` falls back to plain when the server has no TLS,
// and a TLS failure is reported as one (which side, why, which setting).
import type { Project } from '../config/load-project.js';
import { SourceError } from '../errors.js';
import { diagnoseMysqlTls } from '../tls/diagnose.js';
import { hasErrorCode } from '../tls/mysql-connection.js';
import { mysqlTlsOptions, type CaSources, type MysqlTlsOptions } from '../tls/mysql-ssl.js';
import { refusesPlainConnections } from '../tls/secure-transport.js';
import { createSink, type Sink } from './sink.js';
import { createSource, type Source } from './source.js';

export function connectProject(
  { config, credentials }: Project,
  caSources?: CaSources,
): { source: Source; sink: Sink } {
  const timeout = config.sync.connect_timeout_seconds;
  const tls = mysqlTlsOptions(config.mysql, caSources);
  const make = (withTls: MysqlTlsOptions | undefined): Source =>
    createSource({
      host: config.mysql.host,
      port: config.mysql.port,
      database: config.mysql.database,
      user: credentials.MYSQL_USER,
      password: credentials.MYSQL_PASSWORD,
      measures: config.request.measures,
      schema: config.source,
      connectTimeoutSeconds: timeout,
      queryTimeoutSeconds: config.sync.query_timeout_seconds,
      wavesPerQuery: config.sync.waves_per_query,
      tls: withTls,
    });
  const server = `${config.mysql.host}:${config.mysql.port}`;
  // Asked once per process, and only after a plain login was refused.
  let refusesPlain: Promise<boolean> | undefined;
  const source = explainTls(config.mysql.tls === 'preferred' ? preferTls(make, tls) : make(tls), async (error) => {
    if (config.mysql.tls === 'disabled' && hasErrorCode(error, 'ER_ACCESS_DENIED_ERROR')) {
      refusesPlain ??= refusesPlainConnections({
        host: config.mysql.host,
        port: config.mysql.port,
        user: credentials.MYSQL_USER,
        password: credentials.MYSQL_PASSWORD,
        connectTimeoutSeconds: timeout,
      });
    }
    const reason = diagnoseMysqlTls(error, config.mysql, server, { refusesPlain: (await refusesPlain) === true });
    return reason === undefined ? error : new SourceError(`MySQL ${server}: ${reason}`, { cause: error });
  });
  const sink = createSink({
    url: credentials.MONGO_URL,
    database: config.mongoDatabase,
    connectTimeoutSeconds: timeout,
  });
  return { source, sink };
}

/** A source over TLS until the server says it has none; from then on (this process) a plain one. */
function preferTls(make: (tls: MysqlTlsOptions | undefined) => Source, tls: MysqlTlsOptions | undefined): Source {
  let current = make(tls);
  let plain = tls === undefined;
  const call = async <T>(run: (source: Source) => Promise<T>): Promise<T> => {
    const used = current;
    try {
      return await run(used);
    } catch (error) {
      if (!hasErrorCode(error, 'HANDSHAKE_NO_SSL_SUPPORT')) throw error;
      if (!plain) {
        plain = true;
        current = make(undefined);
        void used.close();
      }
      return run(current);
    }
  };
  return around(() => current, call);
}

function explainTls(source: Source, explain: (error: unknown) => Promise<unknown>): Source {
  return around(
    () => source,
    async (run) => {
      try {
        return await run(source);
      } catch (error) {
        throw await explain(error);
      }
    },
  );
}

/** Every query of the source through `call`; `close` goes straight to the current source. */
function around(current: () => Source, call: <T>(run: (source: Source) => Promise<T>) => Promise<T>): Source {
  type Method = (...args: unknown[]) => Promise<unknown>;
  const wrapped: Record<string, Method> = {};
  for (const name of Object.keys(current()) as (keyof Source)[]) {
    wrapped[name] =
      name === 'close'
        ? () => current().close()
        : (...args) => call((source) => (source[name] as Method).apply(source, args));
  }
  // Same keys as Source, each a function of the same signature.
  return wrapped as unknown as Source;
}
