// Builds the MySQL source and MongoDB sink of a project from its configuration and credentials.
import type { Project } from '../config/load-project.js';
import { createSink, type Sink } from './sink.js';
import { createSource, type Source } from './source.js';

export function connectProject({ config, credentials }: Project): { source: Source; sink: Sink } {
  const timeout = config.sync.connect_timeout_seconds;
  const source = createSource({
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
    digestWavesPerQuery: config.sync.digest_waves_per_query,
  });
  const sink = createSink({
    url: credentials.MONGO_URL,
    database: config.mongoDatabase,
    connectTimeoutSeconds: timeout,
  });
  return { source, sink };
}
