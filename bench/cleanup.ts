// Clean-up on every path: deferred tasks run last-in first-out, and child processes started by the
// benchmark are killed (by their own PID) if the benchmark exits while they still run.
import type { ChildProcess } from 'node:child_process';

type Task = { name: string; fn: () => unknown };

const tasks: Task[] = [];
const children = new Set<ChildProcess>();

export type Deferred = (() => Promise<void>) & {
  /** Unregisters the task without running it. */
  cancel(): void;
};

/** Registers a clean-up task; calling the result runs it early (once) and unregisters it. */
export function defer(name: string, fn: () => unknown): Deferred {
  const task: Task = { name, fn };
  tasks.push(task);
  const unregister = (): boolean => {
    const index = tasks.indexOf(task);
    if (index < 0) return false;
    tasks.splice(index, 1);
    return true;
  };
  const run = async (): Promise<void> => {
    if (unregister()) await task.fn();
  };
  return Object.assign(run, { cancel: () => void unregister() });
}

/** Runs every pending task, newest first; returns the failures as messages instead of throwing. */
export async function runCleanup(): Promise<string[]> {
  const failures: string[] = [];
  while (tasks.length > 0) {
    const task = tasks.pop();
    if (!task) break;
    try {
      await task.fn();
    } catch (error) {
      failures.push(`${task.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failures;
}

export function trackChild(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
  return child;
}

process.on('exit', () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
