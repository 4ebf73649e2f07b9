import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(process.cwd());

/**
 * The shared benchmark assets live beside the repository (`../shared/benchmarks`), or wherever
 * `KILN_BENCHMARKS` points. Absent on a bare clone: tests that need them are skipped there, but CI
 * (with CI=true) must have them and fails instead of skipping.
 */
export function benchmarksDir(): string | undefined {
  const dir = process.env.KILN_BENCHMARKS ?? resolve(REPO_ROOT, '..', 'shared', 'benchmarks');
  if (existsSync(dir)) return dir;
  if (process.env.CI) throw new Error(`benchmark assets not found at ${dir} (set KILN_BENCHMARKS)`);
  return undefined;
}

/** A new empty folder in the system temp folder, removed when the test file ends (see ort-environment.js). */
export function tempDir(prefix = 'kiln-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  (globalThis as { __kilnTempDirs?: string[] }).__kilnTempDirs?.push(dir);
  return dir;
}
