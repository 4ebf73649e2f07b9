import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/core/fs.js';

/** Where unreadable job folders go: `<data>/quarantine/`, beside `jobs/`. */
export function quarantineDir(root: string): string {
  return join(root, 'quarantine');
}

/**
 * Moves a job folder whose record cannot be read out of `jobs/` into `<data>/quarantine/<id>`
 * (a suffix keeps an earlier quarantined folder of the same id), with `quarantine-reason.txt`
 * saying why and when. Nothing is deleted: the user's upload and finished outputs stay there for a
 * person to inspect, repair and move back. Returns the folder it moved to.
 */
export async function quarantineJob(root: string, id: string, reason: string): Promise<string> {
  const base = quarantineDir(root);
  await mkdir(base, { recursive: true });
  const taken = new Set(await readdir(base));
  let name = id;
  for (let n = 2; taken.has(name); n++) name = `${id}.${n}`;
  const target = join(base, name);
  await rename(join(root, 'jobs', id), target);
  await writeFileAtomic(join(target, 'quarantine-reason.txt'), `${new Date().toISOString()}\n${reason}\n`);
  return target;
}

/** How many folders `<data>/quarantine/` holds (0 when it does not exist). */
export async function countQuarantined(root: string): Promise<number> {
  try {
    return (await readdir(quarantineDir(root))).length;
  } catch {
    return 0;
  }
}
