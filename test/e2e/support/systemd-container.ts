// Boots a real systemd in a throw-away systemd-nspawn container for end-to-end tests of the
// project's units (see /work/shared/notes/real-systemd.md for the recipe and its safety rules).
//
// The container's root is the host's root, bind-mounted at a fresh mount point under /mnt and
// overlaid with a tmpfs (--volatile=overlay): units, users and files written inside vanish when it
// stops, and the host's binaries (node, mariadb, systemd-notify) are usable inside. It shares the
// host's network, so MariaDB on 127.0.0.1:3306 is reachable from units.
//
// Safety rules this file keeps:
// - The bind mount of / lives at /mnt/dbp-e2e-root-<random>: outside /tmp and outside every folder a
//   clean-up removes recursively. It is a plain (non-recursive) bind, and it is removed only with
//   rmdir, only after `mountpoint -q` says it is no longer mounted. Nothing here removes recursively.
// - systemd never runs over the host's real root: always --volatile=overlay.
// - Every path powers the container off and unmounts: dispose(), process exit, SIGINT/SIGTERM, and,
//   should the test process be killed outright (SIGKILL, a worker torn down), a detached watchdog
//   that notices the owner is gone and does the same clean-up.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { waitFor as pollUntil, type NotYet } from '../../support/wait.js';

/** A host path made visible inside the container (`--bind` / `--bind-ro`). */
export interface Bind {
  host: string;
  container: string;
  readOnly?: boolean;
}

export interface BootOptions {
  binds?: Bind[];
  /** How long to wait for `systemctl is-system-running` to say running/degraded. Default 30 s. */
  bootTimeoutMs?: number;
}

export interface ExecOptions {
  /** Written to the command's stdin. */
  input?: string;
  /** Kill the command after this long. Default 60 s. */
  timeoutMs?: number;
  /** Extra environment variables; the command otherwise gets a minimal, clean environment. */
  env?: Record<string, string>;
}

export interface ExecResult {
  /** The exit code; -1 when the command was killed by a signal or did not start. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Container {
  /** Machine name (`-M`), e.g. `dbp-e2e-1a2b3c4d`. */
  readonly name: string;
  /** Where the host's / is bind-mounted while the container runs. */
  readonly mountPoint: string;
  /** PID (host's view) of the systemd-nspawn process. */
  readonly nspawnPid: number;
  /** PID (host's view) of the container's systemd, its PID 1. */
  readonly pid1: number;
  /** Milliseconds from starting systemd-nspawn until `is-system-running` said running/degraded. */
  readonly bootMs: number;
  /** What systemd-nspawn printed so far (boot messages; the tail, for error messages). */
  output(): string;
  /** Runs a command inside the container (`nsenter -t <pid1> -a …`); never rejects on exit codes. */
  exec(cmd: string[], options?: ExecOptions): Promise<ExecResult>;
  /** `bash -c script` inside the container. */
  shell(script: string, options?: ExecOptions): Promise<ExecResult>;
  /** Writes a file inside the container (it vanishes with the overlay). */
  writeFile(path: string, content: string, mode?: string): Promise<void>;
  /** `systemctl --no-pager …` inside the container. */
  systemctl(...args: string[]): Promise<ExecResult>;
  /** `journalctl -u unit --no-pager -o cat …extra` inside the container; its stdout. */
  journal(unit: string, extra?: string[]): Promise<string>;
  /** Polls `probe` until it returns something other than undefined/false; rejects after timeoutMs. */
  waitFor<T>(probe: () => Promise<T | NotYet> | T | NotYet, timeoutMs?: number, what?: string): Promise<T>;
  /** Powers the container off, unmounts the bind of / and removes the mount point. Idempotent. */
  dispose(): Promise<void>;
}

const MOUNT_PARENT = '/mnt';
const BOOT_TIMEOUT_MS = 30_000;
const POWEROFF_GRACE_MS = 10_000;
const OUTPUT_LIMIT = 16_000;
/** A minimal, clean environment for commands inside the container. */
const CONTAINER_ENV: Record<string, string> = {
  HOME: '/root',
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  TERM: 'dumb',
  SYSTEMD_PAGER: 'cat',
  SYSTEMD_COLORS: '0',
  // The host's CA settings (a TLS-intercepting proxy in front of the npm registry, say), so that
  // install.sh's `npm ci` inside reaches the registry as on the host; the files are the host's too.
  ...Object.fromEntries(
    ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR']
      .map((name) => [name, process.env[name]] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined && entry[1] !== ''),
  ),
};
const BOOT_TARGET = `[Unit]
Description=minimal boot target for db-proxy end-to-end tests
Requires=systemd-journald.service
After=systemd-journald.service
`;

// Clean-up shared by the process exit and signal handlers: every container not yet disposed.
const live = new Set<NspawnContainer>();
let handlersInstalled = false;

/** Boots a container; rejects (after cleaning up) when it does not reach running/degraded in time. */
export async function bootContainer(options: BootOptions = {}): Promise<Container> {
  installProcessHandlers();
  const id = randomBytes(4).toString('hex');
  const name = `dbp-e2e-${id}`;
  const mountPoint = join(MOUNT_PARENT, `dbp-e2e-root-${id}`);
  const targetDir = mkdtempSync(join(tmpdir(), 'dbp-e2e-target-'));
  const targetFile = join(targetDir, 't.target');
  writeFileSync(targetFile, BOOT_TARGET);
  chmodSync(targetFile, 0o644);

  const container = new NspawnContainer(name, mountPoint, targetFile);
  live.add(container);
  try {
    await container.start(options);
    return container;
  } catch (error) {
    const output = container.output();
    await container.dispose().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`container ${name} did not boot: ${reason}\n--- systemd-nspawn output ---\n${output}`, {
      cause: error,
    });
  }
}

class NspawnContainer implements Container {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private hasExited = false;
  private buffer = '';
  private watchdog: ChildProcess | undefined;
  /** Set once this container created the mount point / mounted / there: only then is it removed. */
  private createdMountPoint = false;
  private mounted = false;
  private disposing: Promise<void> | undefined;
  private disposedSync = false;
  private finished = false;
  nspawnPid = 0;
  pid1 = 0;
  bootMs = 0;

  constructor(
    readonly name: string,
    readonly mountPoint: string,
    private readonly targetFile: string,
  ) {}

  async start(options: BootOptions): Promise<void> {
    mkdirSync(this.mountPoint); // throws when it exists: never reuse (or later remove) someone else's
    this.createdMountPoint = true;
    const bind = await run('mount', ['--bind', '/', this.mountPoint]);
    if (bind.exitCode !== 0) throw new Error(`mount --bind / ${this.mountPoint} failed: ${bind.stderr}`);
    this.mounted = true;

    const args = [
      '-D', this.mountPoint,
      '--volatile=overlay',
      '--register=no',
      '--keep-unit',
      '--link-journal=no',
      '--console=read-only',
      `--bind-ro=${this.targetFile}:/etc/systemd/system/t.target`,
      ...(options.binds ?? []).map((b) => `${b.readOnly ? '--bind-ro' : '--bind'}=${b.host}:${b.container}`),
      '-M', this.name,
      '-b', '--', '--unit=t.target',
    ]; // prettier-ignore
    const started = Date.now();
    const child = spawn('systemd-nspawn', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SYSTEMD_COLORS: '0' },
      // Its own process group: a Ctrl-C or a kill of the test's process group does not hit it
      // half-way; the handlers below and the watchdog power it off in order instead.
      detached: true,
    });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.hasExited = true;
        this.append(`\n[systemd-nspawn exited: ${signal ?? `code ${code}`}]\n`);
        resolve();
      });
      child.once('error', (error) => {
        this.hasExited = true;
        this.append(`\n[systemd-nspawn failed to start: ${error.message}]\n`);
        resolve();
      });
    });
    child.stdout?.on('data', (chunk: Buffer) => this.append(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.append(chunk.toString()));
    if (child.pid === undefined) {
      await this.exited;
      throw new Error('systemd-nspawn did not start');
    }
    this.nspawnPid = child.pid;
    this.startWatchdog();

    const timeoutMs = options.bootTimeoutMs ?? BOOT_TIMEOUT_MS;
    this.pid1 = await this.poll('the container systemd (PID 1) to appear', timeoutMs, () =>
      findContainerInit(this.nspawnPid),
    );
    await this.poll(
      'systemctl is-system-running to say running or degraded',
      timeoutMs - (Date.now() - started),
      async () => {
        const state = (await this.exec(['systemctl', 'is-system-running'], { timeoutMs: 5_000 })).stdout.trim();
        return state === 'running' || state === 'degraded';
      },
    );
    this.bootMs = Date.now() - started;
  }

  output(): string {
    return this.buffer;
  }

  async exec(cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (this.pid1 === 0) throw new Error(`container ${this.name} has no PID 1 yet`);
    if (this.hasExited || this.disposing) throw new Error(`container ${this.name} is not running`);
    return run('nsenter', ['-t', String(this.pid1), '-a', ...cmd], options);
  }

  shell(script: string, options?: ExecOptions): Promise<ExecResult> {
    return this.exec(['bash', '-c', script], options);
  }

  async writeFile(path: string, content: string, mode = '0644'): Promise<void> {
    const script = 'mkdir -p "$(dirname "$1")" && cat > "$1" && chmod "$2" "$1"';
    const result = await this.exec(['bash', '-c', script, 'write-file', path, mode], { input: content });
    if (result.exitCode !== 0) throw new Error(`writing ${path} in ${this.name} failed: ${result.stderr}`);
  }

  systemctl(...args: string[]): Promise<ExecResult> {
    return this.exec(['systemctl', '--no-pager', ...args]);
  }

  async journal(unit: string, extra: string[] = []): Promise<string> {
    return (await this.exec(['journalctl', '-u', unit, '--no-pager', '-o', 'cat', ...extra])).stdout;
  }

  waitFor<T>(
    probe: () => Promise<T | NotYet> | T | NotYet,
    timeoutMs = 15_000,
    what = 'a condition in the container',
  ): Promise<T> {
    return pollUntil(what, probe, { timeoutMs, intervalMs: 100 });
  }

  dispose(): Promise<void> {
    this.disposing ??= this.disposeAsync();
    return this.disposing;
  }

  private async disposeAsync(): Promise<void> {
    const errors: string[] = [];
    const step = async (what: string, action: () => Promise<void> | void): Promise<void> => {
      try {
        await action();
      } catch (error) {
        errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    if (!this.disposedSync) {
      await step('power off', async () => {
        if (this.child === undefined || this.hasExited) return;
        const init = this.pid1 || findContainerInit(this.nspawnPid);
        if (init) await run('kill', ['-s', 'SIGRTMIN+14', String(init)]);
        else this.child.kill('SIGTERM'); // nspawn asks the container to shut down
      });
      await step('wait for systemd-nspawn to exit', async () => {
        if (this.child === undefined || this.hasExited) return;
        if (await exitsWithin(this.exited, POWEROFF_GRACE_MS)) return;
        killContainerHard(this.nspawnPid);
        if (!(await exitsWithin(this.exited, 5_000)))
          throw new Error(`systemd-nspawn ${this.nspawnPid} survived SIGKILL`);
      });
      await step('unmount', () => this.unmount());
      await step('remove mount point', () => this.removeMountPoint());
      await step('remove boot target', () => removeTarget(this.targetFile));
      await step('remove what a killed systemd-nspawn leaves', () => this.removeNspawnLeftovers());
    }
    await step('stop watchdog', () => {
      if (this.watchdog?.pid !== undefined && this.watchdog.exitCode === null) this.watchdog.kill('SIGKILL');
    });
    live.delete(this);
    this.finished = true;
    if (errors.length > 0) throw new Error(`disposing container ${this.name}: ${errors.join('; ')}`);
  }

  /** The same clean-up, synchronously, for process exit and signal handlers. */
  disposeSync(): void {
    if (this.disposedSync || this.finished) return;
    this.disposedSync = true;
    const attempt = (action: () => void): void => {
      try {
        action();
      } catch {
        // keep going: the remaining steps matter more than this one's error
      }
    };
    attempt(() => {
      if (this.nspawnPid === 0 || !isAlive(this.nspawnPid)) return;
      const init = this.pid1 || findContainerInit(this.nspawnPid);
      if (init) spawnSync('kill', ['-s', 'SIGRTMIN+14', String(init)], { stdio: 'ignore' });
      else process.kill(this.nspawnPid, 'SIGTERM');
      if (!waitSync(() => !isAlive(this.nspawnPid), POWEROFF_GRACE_MS)) {
        killContainerHard(this.nspawnPid);
        waitSync(() => !isAlive(this.nspawnPid), 5_000);
      }
    });
    attempt(() => this.unmountSync());
    attempt(() => this.removeMountPoint());
    attempt(() => removeTarget(this.targetFile));
    attempt(() => this.removeNspawnLeftovers());
    attempt(() => {
      if (this.watchdog?.pid !== undefined) process.kill(this.watchdog.pid, 'SIGKILL');
    });
    live.delete(this);
    this.finished = true;
  }

  /** Unmounts the bind of / (lazily when busy). Only a mount this container made. */
  private async unmount(): Promise<void> {
    if (!this.mounted || !isMountPoint(this.mountPoint)) return;
    const plain = await run('umount', [this.mountPoint]);
    if (plain.exitCode !== 0 && isMountPoint(this.mountPoint)) {
      const lazy = await run('umount', ['-l', this.mountPoint]);
      if (lazy.exitCode !== 0) {
        throw new Error(`umount ${this.mountPoint}: ${plain.stderr.trim()}; umount -l: ${lazy.stderr.trim()}`);
      }
    }
  }

  private unmountSync(): void {
    if (!this.mounted || !isMountPoint(this.mountPoint)) return;
    if (spawnSync('umount', [this.mountPoint], { stdio: 'ignore' }).status !== 0 && isMountPoint(this.mountPoint)) {
      spawnSync('umount', ['-l', this.mountPoint], { stdio: 'ignore' });
    }
  }

  /** rmdir only, only a directory this container created, only when `mountpoint -q` says it is unmounted. */
  private removeMountPoint(): void {
    if (!this.createdMountPoint) return;
    if (isMountPoint(this.mountPoint)) throw new Error(`${this.mountPoint} is still a mount point; left in place`);
    try {
      rmdirSync(this.mountPoint);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.createdMountPoint = false;
  }

  /**
   * A systemd-nspawn that was killed (not one that exited) leaves its image lock file next to the
   * mount point and an empty propagation folder. Only once nspawn is gone; unlink of a file and
   * rmdir only.
   */
  private removeNspawnLeftovers(): void {
    if (this.nspawnPid !== 0 && isAlive(this.nspawnPid)) return;
    const lock = join(dirname(this.mountPoint), `.#${basename(this.mountPoint)}.lck`);
    ignoreMissing(() => {
      if (lstatSync(lock).isFile()) unlinkSync(lock);
    });
    const propagate = `/run/systemd/nspawn/propagate/${this.name}`;
    ignoreMissing(() => {
      if (!isMountPoint(propagate)) rmdirSync(propagate);
    });
  }

  private append(text: string): void {
    this.buffer += text;
    if (this.buffer.length > OUTPUT_LIMIT) this.buffer = this.buffer.slice(-OUTPUT_LIMIT);
  }

  /** Like waitFor, but gives up at once when systemd-nspawn exits. */
  private async poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | NotYet> | T | NotYet): Promise<T> {
    return pollUntil(what, probe, {
      timeoutMs: Math.max(timeoutMs, 1_000),
      intervalMs: 50,
      giveUp: () => (this.hasExited ? 'systemd-nspawn exited' : undefined),
    });
  }

  /**
   * A detached shell that outlives a test process killed outright: once the owner is gone and the
   * container was not disposed, it powers the container off, unmounts and removes the mount point.
   * dispose() kills it when it has cleaned up itself.
   */
  private startWatchdog(): void {
    const watchdog = spawn(
      'bash',
      [
        '-c',
        WATCHDOG_SCRIPT,
        'dbp-e2e-watchdog',
        String(process.pid),
        String(this.nspawnPid),
        this.mountPoint,
        this.targetFile,
        this.name,
      ],
      { detached: true, stdio: 'ignore' },
    );
    watchdog.on('error', () => undefined);
    watchdog.unref();
    this.watchdog = watchdog;
  }
}

const WATCHDOG_SCRIPT = String.raw`
owner=$1 nspawn=$2 mnt=$3 target=$4 name=$5
state() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1; }
alive() { local s; s=$(state "$1"); [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]; }
ours() { alive "$nspawn" && [ "$(cat "/proc/$nspawn/comm" 2>/dev/null)" = systemd-nspawn ]; }
# The container's init is nspawn's child; remembered in case nspawn itself is killed.
init=
while alive "$owner"; do
  if ours; then
    for c in $(ps -o pid= --ppid "$nspawn"); do [ "$(cat "/proc/$c/comm" 2>/dev/null)" = systemd ] && init=$c; done
  fi
  sleep 0.5
done
isinit() { [ -n "$init" ] && alive "$init" && [ "$(cat "/proc/$init/comm" 2>/dev/null)" = systemd ]; }
if ours || isinit; then
  isinit && kill -s SIGRTMIN+14 "$init" 2>/dev/null
  ours && ! isinit && kill -TERM "$nspawn" 2>/dev/null
  for _ in $(seq 1 100); do { ours || isinit; } || break; sleep 0.1; done
  isinit && kill -KILL "$init" 2>/dev/null
  ours && kill -KILL "$nspawn" 2>/dev/null
  for _ in $(seq 1 50); do { ours || isinit; } || break; sleep 0.1; done
fi
if mountpoint -q "$mnt"; then umount "$mnt" 2>/dev/null || umount -l "$mnt"; fi
if [ -d "$mnt" ] && ! mountpoint -q "$mnt"; then rmdir "$mnt"; fi
rm -f "$target"
rmdir "$(dirname "$target")" 2>/dev/null
# What a killed nspawn leaves: its image lock file and an empty propagation folder (file/rmdir only).
lock="$(dirname "$mnt")/.#$(basename "$mnt").lck"
if ! ours && [ -f "$lock" ] && [ ! -L "$lock" ]; then rm -f "$lock"; fi
if ! ours && [ -d "/run/systemd/nspawn/propagate/$name" ] && ! mountpoint -q "/run/systemd/nspawn/propagate/$name"; then
  rmdir "/run/systemd/nspawn/propagate/$name" 2>/dev/null
fi
exit 0
`;

/** Runs a host command; never rejects on exit codes. */
async function run(file: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const result = await execa(file, args, {
    reject: false,
    extendEnv: false,
    env: { ...CONTAINER_ENV, ...options.env },
    input: options.input ?? '',
    timeout: options.timeoutMs ?? 60_000,
    stripFinalNewline: false,
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : String(result.stderr ?? result.message),
  };
}

interface ProcInfo {
  ppid: number;
  comm: string;
  state: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { comm: stat.slice(open + 1, close), state: fields[0] ?? '', ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** True while the process exists and is not a zombie (a child that exited but is not reaped yet). */
function isAlive(pid: number): boolean {
  const info = readProc(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** Host PIDs of every descendant of `root`, found by following parent PIDs in /proc. */
function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const info = readProc(pid);
    if (info === undefined) continue;
    const siblings = children.get(info.ppid) ?? [];
    siblings.push(pid);
    children.set(info.ppid, siblings);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * The container's systemd: the descendant of our systemd-nspawn that is PID 1 of its own PID
 * namespace (last NSpid field is 1) and runs `systemd`. Other containers' systemds are not our
 * descendants, so they are never picked.
 */
function findContainerInit(nspawnPid: number): number | undefined {
  for (const pid of descendantsOf(nspawnPid)) {
    const info = readProc(pid);
    if (info?.comm !== 'systemd') continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const nspid = /^NSpid:\s*(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/);
      if (nspid !== undefined && nspid.length > 1 && nspid[nspid.length - 1] === '1') return pid;
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** SIGKILL the container's processes (killing its PID 1 ends the PID namespace) and nspawn. */
function killContainerHard(nspawnPid: number): void {
  for (const pid of descendantsOf(nspawnPid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  try {
    process.kill(nspawnPid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function exitsWithin(exited: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([exited.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isMountPoint(path: string): boolean {
  return spawnSync('mountpoint', ['-q', path], { stdio: 'ignore' }).status === 0;
}

function removeTarget(targetFile: string): void {
  try {
    unlinkSync(targetFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    rmdirSync(dirname(targetFile));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Runs `action`, ignoring only "no such file or directory" (and "not empty" for rmdir of leftovers). */
function ignoreMissing(action: () => void): void {
  try {
    action();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY') throw error;
  }
}

function waitSync(done: () => boolean, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!done()) {
    if (Date.now() > deadline) return false;
    Atomics.wait(cell, 0, 0, 50);
  }
  return true;
}

function installProcessHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const cleanUpAll = (): void => {
    for (const container of [...live]) container.disposeSync();
  };
  process.on('exit', cleanUpAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      cleanUpAll();
      process.removeListener(signal, onSignal);
      // Nobody else handles it: die of the signal as the default action would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
