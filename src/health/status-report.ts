// The rows `status` shows, from what gather() read: this host's projects, or every host's
// (--fleet), redacted. Shared by `status` (live) and the monitor (its snapshot for operators).
import { redactDeep } from '../logging/redact.js';
import { buildFleetRows, localRows, type HostedRow } from './fleet.js';
import type { Gathered } from './gather.js';
import { buildStatusRows } from './status.js';

export function statusRows(
  seen: Pick<Gathered, 'projects' | 'units' | 'heartbeats' | 'now' | 'defaults'>,
  host: string,
  fleet: boolean,
): HostedRow[] {
  const overdue = seen.defaults.heartbeat_overdue_seconds;
  // Heartbeats are written by workers of every host and version: what they say is redacted
  // here, before it is shown or stored (and before the table cuts an error short, which could
  // split a secret), with this host's secrets.
  return redactDeep(
    fleet
      ? buildFleetRows(seen.projects, seen.units, seen.heartbeats, seen.now, overdue, host)
      : localRows(buildStatusRows(seen.projects, seen.units, seen.heartbeats, seen.now, overdue), host),
  );
}
