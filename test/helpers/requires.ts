import { describe } from '@jest/globals';
import { existsSync } from 'node:fs';

/**
 * `describe` for a suite that needs a program installed on the machine (Debian's chromium, redis-server).
 * Where the program is missing, the suite is skipped with the reason in its title, and the summary
 * reporter prints that reason at the end of the run, so a skip is never silent. Under CI (`.ci/run`
 * installs both) a missing program fails instead.
 */
export function describeIfInstalled(program: string, what: string): (title: string, fn: () => void) => void {
  if (existsSync(program)) return describe;
  if (process.env.CI) throw new Error(`${program} not found: .ci/run installs Debian's ${what}`);
  return (title, fn) => describe.skip(`${title} (skipped: ${program} not found; install Debian's ${what})`, fn);
}
