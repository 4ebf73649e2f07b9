import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export interface RunningServer {
  url: string;
  proc: ChildProcess;
  /** Everything the server has written to stderr so far: its logs, when KILN_LOG_LEVEL allows. */
  logs(): string;
  /** Stops the server; resolves with its exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `kiln serve` from the build on a free loopback port, as a user would. */
export function serve(data: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningServer> {
  const proc = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'kiln.js'), 'serve', '--port', '0', '--data', data, ...args], {
    env: { ...process.env, KILN_LOG_LEVEL: 'silent', ...env },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        resolve({
          url: m[1],
          proc,
          logs: () => err,
          stop: (signal = 'SIGTERM') => new Promise((done) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return done(proc.exitCode);
            proc.once('exit', (code) => done(code));
            proc.kill(signal);
          }),
        });
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
  });
}
