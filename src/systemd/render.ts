// Pure rendering of systemd unit files and drop-ins from the handlebars templates in templates/.
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';

// Handlebars (with its source-map dependency, about 5 MB resident) is loaded on the first render:
// the worker and most commands import this module's callers but never render, and a worker's idle
// memory is the product's budget (README: How the sync works).
const requireCjs = createRequire(import.meta.url);
let handlebars: typeof Handlebars | undefined;
const loadHandlebars = (): typeof Handlebars => (handlebars ??= requireCjs('handlebars') as typeof Handlebars);

/** Values fixed at install time, baked into the template unit and the creator's unit. */
export interface InstallContext {
  nodePath: string;
  appDir: string;
  configDir: string;
  stateDir: string;
  user: string;
  group: string;
  /** The people's group: drops requests, reads verdicts, project folders and the status snapshot. */
  operatorsGroup: string;
  /** The monitor's user: `user`, or root on a host without a D-Bus system bus. */
  monitorUser: string;
  unitPrefix: string;
}

/** Per-project values of the drop-in the creator renders. */
export interface DropInContext {
  database: string;
  measures: string;
  monitories: string;
  server: string;
  syslogIdentifier: string;
  configHash: string;
  /** Where mongo.env and credentials.d/ live. */
  configDir: string;
  /** The name of the MySQL login: credentials.d/<name>.env. */
  mysqlCredentials: string;
}

/** A unit file value may not contain a newline, or it could smuggle in a directive. */
function assertSingleLine(context: object): void {
  for (const [key, value] of Object.entries(context)) {
    if (typeof value === 'string' && /[\n\r\0]/.test(value)) {
      throw new Error(`refusing to render ${key}: it contains a line break or NUL`);
    }
  }
}

export function renderTemplate(source: string, context: InstallContext | DropInContext): string {
  assertSingleLine(context);
  // noEscape: unit files are not HTML; values are validated identifiers and paths.
  return loadHandlebars().compile(source, { noEscape: true, strict: true })(context);
}
