// Spawning measured child processes: wall time, exit status, output tails and peak RSS (VmHWM).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { defer, trackChild } from './cleanup.ts';

const TAIL_CHARS = 16_000;
const RSS_POLL_MS = 50;

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** Highest VmHWM read from /proc/PID/status (kB), null when never readable. */
  peakRssKb: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningChild {
  child: ChildProcess;
  pid: number;
  started: number;
  stdout(): string;
  stderr(): string;
  /** Settles once the process exited and its RSS polling stopped. */
  done: Promise<ChildResult>;
  /** Sends a signal to this process only. */
  kill(signal: NodeJS.Signals): void;
}

/** The process's peak resident set size so far (VmHWM, kB), or null when it is gone. */
export async function readVmHwmKb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export function startChild(command: string, args: readonly string[], options: SpawnOptions = {}): RunningChild {
  const started = performance.now();
  const child = trackChild(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }));
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-TAIL_CHARS);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString('utf8')).slice(-TAIL_CHARS);
  });
  let peak: number | null = null;
  let exited = false;
  const pid = child.pid;
  // VmHWM only grows, so the last value read before the exit is the peak; keep the maximum anyway.
  const poll = async (): Promise<void> => {
    while (!exited && pid !== undefined) {
      const value = await readVmHwmKb(pid);
      if (value !== null && !exited) peak = Math.max(peak ?? 0, value);
      await new Promise((resolve) => setTimeout(resolve, RSS_POLL_MS));
    }
  };
  const polling = poll();
  // Stopped by the clean-up if the benchmark ends (or is interrupted) while it still runs; tasks run
  // newest first, so a process goes before the databases it uses are dropped.
  const stop = defer(`stop ${command} (PID ${String(pid)})`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await new Promise((resolve) => child.once('close', resolve));
    clearTimeout(timer);
  });
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.once('error', (error) => {
      exited = true;
      stop.cancel();
      reject(new Error(`cannot run ${command}: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      exited = true;
      stop.cancel();
      const wallMs = performance.now() - started;
      void polling.then(() => resolve({ code, signal, wallMs, peakRssKb: peak, stdout: out, stderr: err }));
    });
  });
  return {
    child,
    pid: pid ?? -1,
    started,
    stdout: () => out,
    stderr: () => err,
    done,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

export function runChild(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<ChildResult> {
  return startChild(command, args, options).done;
}

/** Throws with the output's tail unless the process exited 0. */
export function expectSuccess(what: string, result: ChildResult): ChildResult {
  if (result.code === 0) return result;
  const status = result.signal ? `signal ${result.signal}` : `exit code ${String(result.code)}`;
  throw new Error(
    `${what} failed (${status}):\n--- stdout ---\n${result.stdout.trim()}\n--- stderr ---\n${result.stderr.trim()}`,
  );
}
