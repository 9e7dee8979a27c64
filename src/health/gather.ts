// What status and the monitor look at: the project folders, their units (systemctl, or the
// Deployments on Kubernetes) and their heartbeats (MongoDB). A source that cannot be read becomes a problem line, not a crash.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { credentialsPath, loadCredentials, type Credentials } from '../config/credentials.js';
import type { Defaults } from '../config/defaults-schema.js';
import { loadDefaults } from '../config/load-defaults.js';
import { listProjects } from '../creator/files.js';
import { PROJECT_REQUEST_FILE, PROJECT_STATE_FILE, parseProjectState } from '../creator/project-files.js';
import { describeError } from '../errors.js';
import { projectDir, stateLayout } from '../intake/layout.js';
import { RequestSchema } from '../request/schema.js';
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
  /** False when systemctl could not be asked: every unit state is then unknown. */
  unitsRead: boolean;
}

export async function gather(configDir: string, stateDir: string): Promise<Gathered> {
  const defaults = await loadDefaults(configDir);
  const layout = stateLayout(stateDir, defaults.projects_dir);
  const projects: ProjectInfo[] = [];
  for (const database of await listProjects(layout)) {
    const dir = projectDir(layout, database);
    const state = parseProjectState(await readFile(join(dir, PROJECT_STATE_FILE), 'utf8').catch(() => ''));
    const request = RequestSchema.safeParse(
      await readFile(join(dir, PROJECT_REQUEST_FILE), 'utf8')
        .then((text): unknown => JSON.parse(text))
        .catch(() => undefined),
    );
    projects.push({
      database,
      unit: state?.unit ?? projectUnitName(defaults.unit_prefix, database),
      server: request.success ? request.data.server : null,
      measures: request.success ? request.data.measures : null,
    });
  }
  const problems: string[] = [];
  const units = new Map<string, UnitInfo>();
  let unitsRead = false;
  try {
    if (defaults.orchestrator === 'kubernetes') {
      const { kubernetesUnitStates } = await import('./kubernetes-units.js');
      for (const [unit, info] of await kubernetesUnitStates(defaults, projects)) units.set(unit, info);
    } else {
      const { createSystemctl } = await import('../systemd/systemctl.js');
      const shown = await createSystemctl().showMany(
        projects.map((p) => p.unit),
        ['ActiveState', 'SubState', 'NRestarts'],
      );
      for (const [unit, props] of shown) {
        const restarts = Number(props.NRestarts);
        units.set(unit, {
          activeState: props.ActiveState ?? 'unknown',
          subState: props.SubState ?? 'unknown',
          // Absent from systemd before 235 and for units it does not know.
          restarts:
            props.NRestarts !== undefined && props.NRestarts !== '' && Number.isInteger(restarts) ? restarts : null,
        });
      }
    }
    unitsRead = true;
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
  return { defaults, credentials, projects, units, heartbeats, now, problems, heartbeatsRead, unitsRead };
}
