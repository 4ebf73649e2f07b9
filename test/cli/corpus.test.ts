import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { writeSh3fFixtures } from '../helpers/sh3f-fixture.js';

// Runs the built CLI (npm test builds first), as `npm run -s corpus` does.
const cli = join(REPO_ROOT, 'dist', 'src', 'cli', 'corpus.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('corpus command', () => {
  it('writes the same bytes with two worker threads as on one thread', () => {
    const dir = tempDir();
    const a = run('--split', 'train', '--count', '6', '--res', '32', '--out', join(dir, 'a'), '--workers', '2', '--shard-size', '4');
    const b = run('--split', 'train', '--count', '6', '--res', '32', '--out', join(dir, 'b'), '--workers', '0', '--shard-size', '4');
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    expect(a.stdout).toMatch(/6 train objects at 32px in 2 shard/);
    for (const f of ['shard-00000/rgba.npy', 'shard-00001/depth.npy', 'shard-00001/index.json', 'vocab.json']) {
      expect(readFileSync(join(dir, 'a', f)).equals(readFileSync(join(dir, 'b', f)))).toBe(true);
    }
  });

  it('writes a contact sheet PNG with --preview', () => {
    const file = join(tempDir(), 'sheet.png');
    const r = run('--preview', file, '--count', '4');
    expect(r.status).toBe(0);
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  });

  it('answers bad flags with one line and a non-zero exit', () => {
    for (const args of [['--split', 'dev', '--out', tempDir()], ['--count', '-3', '--out', tempDir()], ['--count', '2']]) {
      const r = run(...args);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^(corpus|error)?:? ?/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('renders the Sweet Home 3D catalogues with --source sh3d, and names the package when they are missing', async () => {
    const dir = tempDir();
    await writeSh3fFixtures(dir);
    const out = join(tempDir(), 'sh3d');
    const r = run('--source', 'sh3d', '--sh3d-dir', dir, '--split', 'train', '--res', '16', '--copies', '2', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\d+ train objects of \d+ entries \(\d+ samples\).*left out: door-or-window \d+/);
    expect(JSON.parse(readFileSync(join(out, 'corpus.json'), 'utf8')).source).toBe('sh3d');
    const missing = run('--source', 'sh3d', '--sh3d-dir', join(dir, 'nowhere'), '--out', join(tempDir(), 'x'));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('apt-get install sweethome3d-furniture');
    const val = run('--source', 'sh3d', '--sh3d-dir', dir, '--split', 'val', '--out', join(tempDir(), 'y'));
    expect(val.status).not.toBe(0);
    expect(val.stderr.trim().split('\n')).toHaveLength(1);
  });
});
