import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_MODEL_NAME, TEXT_TO_IMAGE_MODEL_NAME, defaultTextToImageModelDir } from '../../src/diffusion/model-manifest.js';
import { box } from '../../src/geometry/primitives.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';

// The CLI is tested as a user runs it: the built launcher in a child process (npm test builds first).
function kiln(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'kiln.js'), ...args], { encoding: 'utf8', env: { ...process.env, KILN_LOG_LEVEL: 'silent' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeBoxObj(path: string): void {
  const m = box(1, 0.5, 0.8);
  const lines: string[] = [];
  for (let i = 0; i < m.positions.length; i += 3) lines.push(`v ${m.positions[i]} ${m.positions[i + 1]} ${m.positions[i + 2]}`);
  for (let i = 0; i < m.indices.length; i += 3) lines.push(`f ${m.indices[i] + 1} ${m.indices[i + 1] + 1} ${m.indices[i + 2] + 1}`);
  writeFileSync(path, lines.join('\n'));
}

describe('kiln CLI', () => {
  test('--help lists the commands', () => {
    const r = kiln('--help');
    expect(r.code).toBe(0);
    for (const c of ['image', 'text', 'objects', 'views', 'serve', 'render', 'compare']) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });

  test('objects lists what a text prompt may name, as a table and as JSON; a missing model folder is one line', () => {
    const r = kiln('objects');
    expect(r.code).toBe(0);
    // The prompt is read by the model that reads it: the text → image model when one is installed.
    const reader = existsSync(join(defaultTextToImageModelDir(), 'manifest.json')) ? TEXT_TO_IMAGE_MODEL_NAME : DEFAULT_MODEL_NAME;
    expect(r.stdout).toMatch(new RegExp(`^${reader} knows \\d+ objects; a prompt must name one of them`));
    expect(r.stdout).toMatch(/^  chair\s+椅子  \(furniture\)$/m);
    const j = JSON.parse(kiln('objects', '--json').stdout);
    expect(j.model).toBe(reader);
    expect(j.objects).toEqual(expect.arrayContaining([{ name: 'cup', en: 'cup', zh: '杯子', group: 'vessels' }]));
    expect(j.objects.length).toBe(r.stdout.trim().split('\n').length - 2);
    const missing = kiln('objects', '--model', join(tempDir(), 'nowhere'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('unknown commands, bad flags and bad values: one line, non-zero exit', () => {
    for (const args of [['frobnicate'], ['render', '--bogus', 'x.obj'], ['render', 'x.obj', '--size', 'big'], ['render']]) {
      const r = kiln(...args);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^kiln: /);
      expect(r.stderr).not.toMatch(/\s+at /); // no stack trace
    }
  });

  test('render writes a grid of views; compare prints metrics as JSON', async () => {
    const dir = tempDir();
    const obj = join(dir, 'box.obj');
    writeBoxObj(obj);
    const out = join(dir, 'out');
    const r = kiln('render', obj, '--out', out, '--size', '48');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(out, 'views.png'));
    const meta = await sharp(join(out, 'views.png')).metadata();
    expect([meta.width, meta.height]).toEqual([48 * 3, 48 * 2]);
    expect(existsSync(join(out, 'view-5.png'))).toBe(true);
    // The object is actually in the picture: some pixels are darker than the white background.
    const { data } = await sharp(join(out, 'view-0.png')).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeLessThan(200);

    const c = kiln('compare', obj, obj);
    expect(c.code).toBe(0);
    const result = JSON.parse(c.stdout);
    expect(result.fscore['0.05']).toBe(1);
    expect(result.chamfer).toBeLessThan(0.01);

    const missing = kiln('render', join(dir, 'nope.glb'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^kiln: loadMesh: no such file/);
  });
});

describe('kiln views', () => {
  test('reconstructs a textured model from RGBA cut-outs with their azimuths', async () => {
    const { renderCalibratedViews } = await import('../../src/render/render-views.js');
    const { writeImage } = await import('../../src/core/image.js');
    const { uvSphere } = await import('../../src/geometry/primitives.js');
    const { validateGlb } = await import('../../src/export/validate-glb.js');
    const { readFileSync } = await import('node:fs');
    const dir = tempDir();
    const rig = { views: [0, 90, 180, 270].map((azimuth) => ({ azimuth, elevation: 0, distance: 3, fov: 30 })) };
    const views = renderCalibratedViews(uvSphere(0.4, 32, 16, { baseColor: [0.8, 0.2, 0.1, 1] }), rig, 96);
    const paths = await Promise.all(views.map(async (v, i) => {
      const p = join(dir, `photo-${i}.png`);
      await writeImage(v.image, p);
      return p;
    }));
    const out = join(dir, 'model');
    const r = kiln('views', ...paths, '--azimuths', '0,90,180,270', '--out', out, '--resolution', '48', '--texture-size', '256', '--format', 'glb,obj,stl', '--no-preview', '-q');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.files.sort()).toEqual(['model.glb', 'model.mtl', 'model.obj', 'model.png', 'model.stl', 'report.json', 'views.png']);
    expect(report.options.mattes).toEqual(['alpha', 'alpha', 'alpha', 'alpha']);
    expect(r.stdout).toContain(out);
    // The photos agree with their angles: each one's IoU is in the report and the summary.
    expect(report.viewAgreement.views.map((v: { name: string }) => v.name)).toEqual(['photo-0.png', 'photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(report.viewAgreement.disagreeing).toEqual([]);
    expect(r.stdout).toMatch(/silhouette agreement \(IoU, 0\.\d+ needed\): photo-0\.png 0\.9\d\d, photo-1\.png/);
    expect(report.options.supportPlane).toBe(false); // elevation 0: a camera level with the object
    // views.png: the four photos over white, their masks under them.
    const grid = await sharp(join(out, 'views.png')).metadata();
    expect([grid.width, grid.height]).toEqual([4 * 256, 2 * 256]);
    expect(report.mesh.faces).toBeGreaterThan(100);
    expect((await validateGlb(readFileSync(join(out, 'model.glb')))).errors).toBe(0);

    const wrongCount = kiln('views', ...paths, '--azimuths', '0,90', '--out', out);
    expect(wrongCount.code).toBe(1);
    expect(wrongCount.stderr).toMatch(/^kiln: views: 4 images but 2 azimuths/);
    // Angles, distance and field of view that cannot frame the object: refused by name, before any work.
    for (const [args, message] of [
      [['--azimuths', '1e300,90,180,270'], /--azimuths \(view 0\)/],
      [['--azimuths', '0,90,180,270', '--elevations', '0,0,95,0'], /--elevations \(view 2\)/],
      [['--azimuths', '0,90,180,270', '--distance', '0.5'], /--distance/],
      [['--azimuths', '0,90,180,270', '--distance', '3', '--fov', '5'], /does not frame the object/],
    ] as [string[], RegExp][]) {
      const r = kiln('views', ...paths, ...args, '--out', join(dir, 'bad-angles'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(dir, 'bad-angles'))).toBe(false);
    // A photo without alpha has its background removed; one whose cut-out is doubtful is refused.
    const { createImage } = await import('../../src/core/image.js');
    const { createRng } = await import('../../src/core/rng.js');
    const rng = createRng(3);
    const noise = createImage(64, 64, 3);
    for (let i = 0; i < noise.data.length; i++) noise.data[i] = rng.uniform();
    const jpg = join(dir, 'noise.jpg');
    await writeImage(noise, jpg);
    const refused = kiln('views', jpg, paths[1], '--azimuths', '0,90', '--out', join(dir, 'refused'));
    expect(refused.code).toBe(1);
    // Noise is all "object" to a border model: its cut-out is refused as doubtful, by photo.
    expect(refused.stderr).toMatch(/^kiln: view 0: the cut-out is doubtful: the background is not plain/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'refused'))).toBe(false);
  });

  test('photos whose angles disagree are refused with their names; --force keeps the model and the warning', async () => {
    const { renderCalibratedViews } = await import('../../src/render/render-views.js');
    const { writeImage } = await import('../../src/core/image.js');
    const { asymmetricSdf, meshFromSdf } = await import('../helpers/shapes.js');
    const { readFileSync } = await import('node:fs');
    const dir = tempDir();
    const rig = { views: [0, 90, 180, 270].map((azimuth) => ({ azimuth, elevation: 10, distance: 3, fov: 30 })) };
    const views = renderCalibratedViews(meshFromSdf(asymmetricSdf, 56), rig, 112, { shading: 'unlit' });
    const names = ['front.png', 'right.png', 'back.png', 'left.png'];
    const paths = await Promise.all(views.map(async (v, i) => {
      const p = join(dir, names[i]);
      await writeImage(v.image, p);
      return p;
    }));
    const args = ['views', ...paths, '--azimuths', '90,0,180,270', '--elevations', '10,10,10,10', '--resolution', '48', '--vertex-colors', '--format', 'glb', '--no-preview', '-q'];
    const refused = kiln(...args, '--out', join(dir, 'refused'));
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^kiln: views: the photos disagree with their angles: .*front\.png \(azimuth 90°, elevation 10°: IoU 0\.\d+\)/);
    expect(refused.stderr).toMatch(/--force/);
    expect(existsSync(join(dir, 'refused', 'report.json'))).toBe(false);

    const out = join(dir, 'forced');
    const forced = kiln(...args, '--out', out, '--force');
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/\(disagrees\)/);
    expect(forced.stdout).toMatch(/^warning: the photos disagree with their angles/m);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.viewAgreement.warning).toMatch(/kept because the run was forced/);
    expect(report.viewAgreement.disagreeing).toContain(0);
    expect(report.options.force).toBe(true);
    expect(report.options.supportPlane).toBe(true); // every elevation positive

    const noPlane = kiln(...args, '--out', join(dir, 'no-plane'), '--force', '--no-support-plane', '--json');
    expect(noPlane.code).toBe(0);
    expect(JSON.parse(noPlane.stdout).options.supportPlane).toBe(false);
  });
});
