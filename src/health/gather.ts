// What status and the monitor look at: the project folders, their units (systemctl, or the
// Deployments on Kubernetes) and their heartbeats (MongoDB). A source that cannot be read becomes a problem line, not a crash.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { credentialsPath, loadCredentials, type Credentials } from '../config/credentials.js';
import type { Defaults } from '../config/defaults-schema.js';
import { loadDefaults } from '../config/load-defaults.js';
import { listProjects } from '../creator/apply.js';
import { PROJECT_STATE_FILE, parseProjectState } from '../creator/project-files.js';
import { describeError } from '../errors.js';
import { projectDir, stateLayout } from '../intake/layout.js';
import { projectUnitName } from '../systemd/escape.js';
import type { Heartbeat } from './heartbeat.js';
import type { ProjectInfo, UnitInfo } from './status.js';

export interface Gathered {
  defaults: Defaults;
  credentials: Credentials | undefined;
  projects: ProjectInfo[];
  units: Map<string, UnitInfo>;
  heartbeats: Map<string, Heartbeat>;
  /** The MongoDB server's clock (heartbeats are stamped with it), else this machine's. */
  now: Date;
  problems: string[];
  heartbeatsRead: boolean;
}

export async function gather(configDir: string, stateDir: string): Promise<Gathered> {
  const defaults = await loadDefaults(configDir);
  const layout = stateLayout(stateDir, defaults.projects_dir);
  const projects: ProjectInfo[] = [];
  for (const database of await listProjects(layout)) {
    const state = parseProjectState(
      await readFile(join(projectDir(layout, database), PROJECT_STATE_FILE), 'utf8').catch(() => ''),
    );
    projects.push({ database, unit: state?.unit ?? projectUnitName(defaults.unit_prefix, database) });
  }
  const problems: string[] = [];
  const units = new Map<string, UnitInfo>();
  try {
    if (defaults.orchestrator === 'kubernetes') {
      const { kubernetesUnitStates } = await import('./kubernetes-units.js');
      for (const [unit, info] of await kubernetesUnitStates(defaults, projects)) units.set(unit, info);
    } else {
      const { createSystemctl } = await import('../systemd/systemctl.js');
      const shown = await createSystemctl().showMany(
        projects.map((p) => p.unit),
        ['ActiveState', 'SubState'],
      );
      for (const [unit, props] of shown) {
        units.set(unit, { activeState: props.ActiveState ?? 'unknown', subState: props.SubState ?? 'unknown' });
      }
    }
  } catch (error) {
    problems.push(`unit states unknown: ${describeError(error)}`);
  }
  let heartbeats = new Map<string, Heartbeat>();
  let now = new Date();
  let credentials: Credentials | undefined;
  let heartbeatsRead = false;
  try {
    credentials = await loadCredentials(credentialsPath(configDir));
    const { openHeartbeatStore } = await import('./store.js');
    const store = openHeartbeatStore(
      credentials.MONGO_URL,
      defaults.mongo_database,
      defaults.sync.connect_timeout_seconds,
    );
    try {
      heartbeats = await store.readAll();
      now = await store.serverTime();
      heartbeatsRead = true;
    } finally {
      await store.close();
    }
  } catch (error) {
    problems.push(`heartbeats unknown: ${describeError(error)}`);
  }
  return { defaults, credentials, projects, units, heartbeats, now, problems, heartbeatsRead };
}
