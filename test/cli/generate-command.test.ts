import { describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { defaultModelDir } from '../../src/diffusion/model-manifest.js';
import { validateGlb } from '../../src/export/validate-glb.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { twoDiscsPng } from '../helpers/photos.js';

// Image → 3D and text → 3D as a user runs them: the built launcher in a child process, with the
// embedded model. --fast and --no-preview keep each run to a couple of seconds.
function kiln(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'kiln.js'), ...args], { encoding: 'utf8', env: { ...process.env, KILN_LOG_LEVEL: 'silent' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SAMPLE = join(REPO_ROOT, 'assets', 'samples', 'red-mug.png');
const MANIFEST = JSON.parse(readFileSync(join(defaultModelDir(), 'manifest.json'), 'utf8'));

function expectOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^kiln: /);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\s+at /);
}

describe('kiln image / text', () => {
  test('image → 3D writes every output, and the GLB validates', async () => {
    const out = join(tempDir(), 'mug');
    // --cfg-scale without --cfg rescales the model's own preset (it used to be dropped silently).
    const r = kiln('image', SAMPLE, '-o', out, '--fast', '--format', 'glb,obj,stl', '--cfg-scale', '6', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    for (const f of ['input.png', 'views.png', 'model.glb', 'model.obj', 'model.mtl', 'model.stl', 'preview.gif', 'report.json']) expect(existsSync(join(out, f))).toBe(true);
    expect(report.files).toEqual(expect.arrayContaining(['model.glb', 'preview.gif']));
    expect(report.mesh.faces).toBeGreaterThan(100);
    expect(report.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.options.guidance).toEqual({ preset: MANIFEST.guidance.preset, scale: 6 });
    for (const stage of ['preprocess', 'diffusion', 'reconstruct', 'texture', 'export', 'preview']) expect(report.timings[stage]).toBeGreaterThan(0);
    expect((await validateGlb(readFileSync(join(out, 'model.glb')))).errors).toBe(0);
    // Nothing staged is left behind.
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('text → 3D in English and Chinese; the same seed gives identical GLB bytes', () => {
    const dir = tempDir();
    const a = kiln('text', 'a red mug', '-o', join(dir, 'a'), '--fast', '--no-preview', '--format', 'glb', '-q');
    const b = kiln('text', 'a red mug', '-o', join(dir, 'b'), '--fast', '--no-preview', '--format', 'glb', '-q');
    const c = kiln('text', 'a red mug', '-o', join(dir, 'c'), '--fast', '--no-preview', '--format', 'glb', '-q', '--seed', '7');
    const zh = kiln('text', '一个红色的杯子', '-o', join(dir, 'zh'), '--fast', '--no-preview', '--format', 'glb', '-q');
    for (const r of [a, b, c, zh]) expect(r.code).toBe(0);
    const glb = (d: string) => readFileSync(join(dir, d, 'model.glb'));
    expect(glb('a').equals(glb('b'))).toBe(true);
    expect(glb('a').equals(glb('c'))).toBe(false);
    expect(existsSync(join(dir, 'zh', 'model.glb'))).toBe(true);
    expect(existsSync(join(dir, 'a', 'model.obj'))).toBe(false);
  });

  test('demo (what npm start runs) generates from the bundled sample and says where the files are', () => {
    const out = join(tempDir(), 'demo');
    const r = kiln('demo', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(out);
    expect(r.stdout).toMatch(/Open model\.glb/);
    for (const f of ['model.glb', 'preview.gif', 'report.json']) expect(existsSync(join(out, f))).toBe(true);
  });

  test('--box cuts the object out of a cluttered photo by a graph cut inside the box', async () => {
    const dir = tempDir();
    // The red mug composited over blocks of greens, blues and greys: no plain backdrop anywhere.
    const w = 800, h = 600, bg = Buffer.alloc(w * h * 3);
    const palette = [[40, 110, 40], [90, 150, 60], [60, 70, 140], [140, 140, 140], [200, 200, 190], [30, 40, 30]];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) bg.set(palette[(Math.floor(x / 23) * 7 + Math.floor(y / 17) * 3) % palette.length], (y * w + x) * 3);
    const photo = join(dir, 'cluttered.jpg');
    await sharp(bg, { raw: { width: w, height: h, channels: 3 } }).composite([{ input: join(REPO_ROOT, 'assets', 'samples', 'red-mug.png'), left: 150, top: 40 }]).jpeg({ quality: 92 }).toFile(photo);
    const r = kiln('image', photo, '--box', '150,40,512,512', '-o', join(dir, 'boxed'), '--fast', '--no-preview', '--format', 'glb', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.matte).toBe('box');
    expect(existsSync(join(dir, 'boxed', 'model.glb'))).toBe(true);
  });

  test('a doubtful cut-out is refused in one line with the reason and the box to draw; --force keeps it and says so', async () => {
    const dir = tempDir();
    // Two red discs side by side on white: the cut falls apart into two pieces of the same size.
    const photo = join(dir, 'two.png');
    writeFileSync(photo, await twoDiscsPng());
    const refused = kiln('image', photo, '-o', join(dir, 'refused'), '--fast', '--no-preview', '--format', 'glb');
    expectOneLineError(refused, /^kiln: preprocessImage: the cut-out is doubtful: .*the cut fell apart into pieces \(the second largest is \d+ % of the largest.*draw a box around the object \(--box x,y,w,h.*--force/);
    expect(existsSync(join(dir, 'refused'))).toBe(false);
    const forced = kiln('image', photo, '-o', join(dir, 'forced'), '--fast', '--no-preview', '--format', 'glb', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/\nwarning: the cut-out is doubtful: .*fell apart into pieces.*kept because the run was forced/);
    const report = JSON.parse(readFileSync(join(dir, 'forced', 'report.json'), 'utf8'));
    expect(report.matte).toBe('background-removal');
    expect(report.cutout.method).toBe('border');
    expect(report.cutout.doubts).toContainEqual(expect.stringMatching(/fell apart into pieces/));
    expect(report.cutout.measures.pieces).toBeGreaterThan(0.8);
    // Text has no cut-out to doubt.
    const text = kiln('text', 'a red mug', '--force');
    expect(text.code).not.toBe(0);
    expect(text.stderr).toMatch(/^kiln: unknown option '--force'/);
  });

  test('bad input: one line, non-zero exit, nothing written', () => {
    const dir = tempDir();
    const notImage = join(dir, 'notes.png');
    writeFileSync(notImage, 'this is text, not a PNG');
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    expectOneLineError(kiln('image', join(dir, 'missing.png'), '-o', join(dir, 'o1')), /missing\.png/);
    expectOneLineError(kiln('image', notImage, '-o', join(dir, 'o2')), /not a readable image/);
    expectOneLineError(kiln('text', '   ', '-o', join(dir, 'o3')), /prompt is empty/);
    expectOneLineError(kiln('text', 'zzqx blorf', '-o', join(dir, 'o4')), /^kiln: text: the model does not understand "zzqx" and "blorf", and the prompt names no object it knows; it knows \d+ kinds of object, such as chair.*kiln objects/);
    expectOneLineError(kiln('text', '量子纠缠的薛定谔', '-o', join(dir, 'o4')), /"量子纠缠" and "薛定谔".*such as 椅子/);
    expectOneLineError(kiln('text', 'red', '-o', join(dir, 'o4')), /names no object the model knows/);
    expectOneLineError(kiln('text', 'a red mug\u001b[2J', '-o', join(dir, 'o5')), /control character \(U\+001B/);
    expectOneLineError(kiln('text', 'a red mug', '--bogus'), /unknown option/);
    expectOneLineError(kiln('image', SAMPLE, '--box', '400,0,200,100', '-o', join(dir, 'o6')), /--box: \[400, 0, 200, 100\] reaches outside the 512×512 photo/);
    expectOneLineError(kiln('image', SAMPLE, '--box', '10,10,100', '-o', join(dir, 'o7')), /--box: must be x,y,width,height/);
    expectOneLineError(kiln('image', SAMPLE, '--box', '10,10,8,100', '-o', join(dir, 'o8')), /--box: must be 16×16 pixels or more/);
    expectOneLineError(kiln('text', 'a red mug', '--format', 'fbx'), /unknown output format/);
    expectOneLineError(kiln('text', 'a red mug', '--cfg', 'loud'), /--cfg: must be one of/);
    // A face budget decimation cannot meet is refused before the model is even loaded.
    const started = performance.now();
    expectOneLineError(kiln('text', 'a red mug', '--faces', '1', '-o', join(dir, 'o5')), /--faces: must be 500 or more/);
    expect(performance.now() - started).toBeLessThan(15000);
    expectOneLineError(kiln('text', 'a red mug', '--fast', '-o', join(blocker, 'sub')), /output folder/);
    for (const o of ['o1', 'o2', 'o3', 'o4', 'o5']) expect(existsSync(join(dir, o))).toBe(false);
  });

  test('Ctrl-C cancels cleanly: exit 130, no result and no staging folder left', async () => {
    const out = join(tempDir(), 'cancelled');
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'kiln.js'), 'image', SAMPLE, '-o', out, '--steps', '200'], { env: { ...process.env, KILN_LOG_LEVEL: 'silent' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Interrupt once diffusion is under way.
      if (/diffusion/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/cancelled/);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
    expect(existsSync(join(out, 'model.glb'))).toBe(false);
    if (existsSync(out)) expect(readdirSync(out)).toEqual([]);
  });
});
