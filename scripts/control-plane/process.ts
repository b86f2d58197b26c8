/**
 * Child processes of the e2e control plane (etcd, kube-apiserver, kube-controller-manager): each
 * writes stdout and stderr to its own log file, is stopped with SIGTERM then SIGKILL, and is killed
 * if this Node process exits while it still runs (or dies: parent-death signal through setpriv).
 *
 * Example:
 *   const p = startProcess('etcd', '/path/etcd', ['--data-dir', d], join(dir, 'etcd.log'));
 *   ...; await p.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited, for whatever reason. */
  readonly exited: Promise<ProcessExit>;
  /** The exit, once it happened; undefined while running. */
  exit(): ProcessExit | undefined;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves once the process is gone. */
  stop(graceMs?: number): Promise<ProcessExit>;
  /** The last `lines` lines of the log file. */
  tail(lines?: number): string;
}

/** Error starting a process; `code` is stable. */
export class ProcessStartError extends Error {
  readonly code = 'PROCESS_START_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ProcessStartError';
  }
}

const live = new Set<ChildProcess>();
/** util-linux's setpriv sets PR_SET_PDEATHSIG, so children die even if this process is SIGKILLed. */
const SETPRIV = '/usr/bin/setpriv';
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killAllProcesses);
  // Node's default for these signals exits without running 'exit' listeners; take it over unless
  // the program handles the signal itself (then it is expected to stop its processes).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return;
      killAllProcesses();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    };
    process.on(signal, onSignal);
  }
}

/** SIGKILLs every process started by startProcess that still runs. */
export function killAllProcesses(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** Reads the last `lines` lines of a file ('' when it cannot be read). */
export function tailFile(file: string, lines = 40): string {
  try {
    const all = readFileSync(file, 'utf8').split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts `binary args...` with stdout/stderr appended to `logFile`. */
export function startProcess(
  name: string,
  binary: string,
  args: readonly string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): ManagedProcess {
  installExitHook();
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = existsSync(SETPRIV)
      ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args], { stdio: ['ignore', fd, fd], env })
      : spawn(binary, args, { stdio: ['ignore', fd, fd], env });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new ProcessStartError(`${name}: could not start ${binary}`);
  live.add(child);
  let exitState: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    const done = (e: ProcessExit): void => {
      if (exitState !== undefined) return;
      exitState = e;
      live.delete(child);
      resolve(e);
    };
    child.once('exit', (code, signal) => done({ code, signal }));
    child.once('error', () => done({ code: -1, signal: null }));
  });
  const pid = child.pid;
  return {
    name,
    pid,
    logFile,
    exited,
    exit: () => exitState,
    async stop(graceMs = 10_000) {
      if (exitState !== undefined) return exitState;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    tail: (lines = 40) => tailFile(logFile, lines),
  };
}
