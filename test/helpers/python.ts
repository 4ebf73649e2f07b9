import { spawnSync } from 'node:child_process';

/**
 * A Python 3 interpreter with numpy: `KILN_PYTHON`, else `python3` on the PATH, else Debian's
 * `/usr/bin/python3` (where `.ci/run` installs python3-numpy). Throws when none has numpy, so a
 * missing install fails the test instead of skipping it.
 */
export function pythonWithNumpy(): string {
  const candidates = [process.env.KILN_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', 'import numpy'], { encoding: 'utf8' });
    if (r.status === 0) return c;
  }
  throw new Error(`no Python 3 with numpy found (tried ${candidates.join(', ')}); install python3-numpy`);
}
