import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { validateGlb } from '../../src/export/validate-glb.js';
import { benchmarksDir, REPO_ROOT, tempDir } from '../helpers/paths.js';
import { describeIfInstalled } from '../helpers/requires.js';
import { serve, type RunningServer } from '../helpers/serve.js';

// Callbacks given to page.evaluate / waitForFunction run in the page; the project compiles without
// the DOM library, so the page's globals are declared loosely here.
declare const document: any;
type HTMLInputElement = any;

// The web app in Debian's Chromium (headless, software WebGL), against the real service.
// Screenshots go to test-artifacts/.

const CHROMIUM = process.env.KILN_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const available = existsSync(CHROMIUM);
const maybe = describeIfInstalled(CHROMIUM, 'chromium (or set KILN_CHROMIUM)');

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!available) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serve(tempDir());
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // kiln.test resolves to loopback: a host name that, unlike localhost, the browser does not trust
    // as secure, as a LAN address over plain HTTP is not.
    args: ['--host-resolver-rules=MAP kiln.test 127.0.0.1', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60000);

// A test that fails leaves its pages open, and a page whose viewer keeps turning in software WebGL
// slows every later test down: close them all after each test.
afterEach(async () => {
  for (const context of browser?.contexts() ?? []) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop('SIGKILL');
});

/** Variance of the canvas's luma: a blank (or single-colour) canvas has almost none. */
async function canvasVariance(page: Page): Promise<number> {
  const png = await page.locator('#viewer').screenshot();
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let sum = 0, sq = 0;
  const n = info.width * info.height;
  for (let i = 0; i < n; i++) {
    const y = 0.299 * data[i * 3] + 0.587 * data[i * 3 + 1] + 0.114 * data[i * 3 + 2];
    sum += y;
    sq += y * y;
  }
  return sq / n - (sum / n) ** 2;
}

/**
 * Runs `submit` and waits until the page has opened the new job (its URL changes to the job's):
 * until then the page still shows the previous job, whose "Done" would end `waitForEnd` at once.
 */
async function submitJob(page: Page, submit: () => Promise<void>): Promise<void> {
  const before = page.url();
  await submit();
  await page.waitForURL((url) => url.href !== before && /\/jobs\/[\w-]+$/.test(url.pathname), { timeout: 30000 });
}

/** Waits until the open job has ended; returns 'done' with the model shown, or the error text. */
async function waitForEnd(page: Page): Promise<string> {
  // One evaluation decides and reads the outcome: a second round trip to a page busy drawing can be
  // the one that times out on a loaded machine.
  const outcome = await page.waitForFunction(() => {
    const stage = document.getElementById('stage')?.textContent ?? '';
    if (stage === 'Done' && /faces/.test(document.getElementById('stats')?.textContent ?? '')) return 'done';
    if (/did not work|Cancelled/.test(stage)) return document.getElementById('error')?.textContent ?? stage;
    return false;
  }, undefined, { timeout: 90000 });
  return (await outcome.jsonValue()) as string;
}

maybe('web app', () => {
  test('photo → model in the viewer, downloads, prompts in English and Chinese, gallery, bad upload; no console errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1300 }, acceptDownloads: true });
    const consoleErrors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(server.url);
    await expect(page.title()).resolves.toMatch(/kiln/);

    // A photo from the benchmarks (the bundled sample where they are absent).
    const dir = benchmarksDir();
    const photo = dir ? join(dir, 'images', 'cutouts', 'teapot.png') : join(REPO_ROOT, 'assets', 'samples', 'red-mug.png');
    await page.setInputFiles('#file', photo);
    // The preview appears once the browser has decoded the file, which takes a moment under load.
    await page.locator('#drop-preview').waitFor({ state: 'visible', timeout: 10000 });
    await page.click('#image-submit');
    // Progress arrives from the event stream: a stage name, then the views before the model.
    await page.waitForFunction(() => /Cutting|Imagining|Building|Unwrapping|Painting|Writing/.test(document.getElementById('stage')?.textContent ?? ''), undefined, { timeout: 30000 });
    await page.locator('#views').waitFor({ state: 'visible', timeout: 60000 });
    expect(page.url()).toMatch(/\/jobs\/[\w-]+$/);
    expect(await waitForEnd(page)).toBe('done');
    await page.waitForTimeout(500);
    expect(await canvasVariance(page)).toBeGreaterThan(20);
    writeFileSync(join(ARTIFACTS, 'web-image-job.png'), await page.screenshot({ fullPage: true }));
    for (const mode of ['clay', 'normals', 'wireframe']) {
      await page.selectOption('#mode', mode);
      await page.waitForTimeout(200);
      expect(await canvasVariance(page)).toBeGreaterThan(20);
    }
    await page.selectOption('#mode', 'textured');
    // Auto-rotate off: the viewer then draws only on change, and the page stays still (and light) for
    // the rest of the test.
    await page.uncheck('#rotate');
    await page.waitForTimeout(200);
    expect(await canvasVariance(page)).toBeGreaterThan(20);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download GLB')]);
    const glb = readFileSync((await download.path())!);
    expect((await validateGlb(glb)).errors).toBe(0);
    for (const label of ['Download OBJ', 'Download STL', 'Download Turntable GIF']) await expect(page.locator(`text=${label}`).count()).resolves.toBe(1);

    // The shareable URL opens the same job in a fresh page.
    const shared = await browser.newPage();
    await shared.goto(page.url());
    expect(await waitForEnd(shared)).toBe('done');
    await shared.close();

    // Prompts: typed in English, clicked as a Chinese example. The small model may fail a prompt; then
    // the page must say why in words.
    await page.fill('#prompt', 'a tall blue ceramic vase');
    await submitJob(page, () => page.click('#text-submit'));
    const en = await waitForEnd(page);
    if (en !== 'done') expect(en).toMatch(/[a-z]{4,}/);
    await submitJob(page, () => page.click('text=一个红色的杯子'));
    const zh = await waitForEnd(page);
    if (zh !== 'done') expect(zh).toMatch(/[a-z]{4,}/);
    await expect(page.locator('#job-title').textContent()).resolves.toContain('一个红色的杯子');

    // The gallery lists all three, newest first.
    await page.waitForFunction(() => document.querySelectorAll('#gallery-list li').length === 3, undefined, { timeout: 10000 });
    const captions = await page.locator('#gallery-list .caption').allTextContents();
    expect(captions[0]).toContain('一个红色的杯子');
    expect(captions[1]).toContain('a tall blue ceramic vase');
    expect(captions[2]).toBe('From a photo');
    writeFileSync(join(ARTIFACTS, 'web-gallery.png'), await page.screenshot({ fullPage: true }));
    expect(consoleErrors).toEqual([]);

    // The browser logs the refused request itself; nothing else may appear.
    expect(consoleErrors.filter((e) => !/status of 404/.test(e))).toEqual([]);

    // Deleting from the gallery removes the job.
    await page.locator('#gallery-list li').last().locator('.delete').click();
    await page.waitForFunction(() => document.querySelectorAll('#gallery-list li').length === 2);
    await page.close();
  }, 300000);

  test('a box dragged over the photo (or typed) goes with the job; clearing removes it', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1300 } });
    await page.goto(server.url);
    await page.setInputFiles('#file', join(REPO_ROOT, 'assets', 'samples', 'red-mug.png')); // 512×512
    await page.locator('#box-photo').waitFor({ state: 'visible', timeout: 10000 });
    const r = (await page.locator('#box-photo').boundingBox())!;
    await page.mouse.move(r.x + r.width * 0.25, r.y + r.height * 0.25);
    await page.mouse.down();
    await page.mouse.move(r.x + r.width * 0.5, r.y + r.height * 0.6, { steps: 4 });
    await page.mouse.move(r.x + r.width * 0.75, r.y + r.height * 0.75, { steps: 4 });
    await page.mouse.up();
    const drawn = await Promise.all(['#box-x', '#box-y', '#box-w', '#box-h'].map(async (id) => Number(await page.inputValue(id))));
    // In pixels of the photo, whatever size it is shown at.
    for (const [v, want] of drawn.map((v, i) => [v, i < 2 ? 128 : 256])) expect(Math.abs(v - want)).toBeLessThanOrEqual(8);
    await expect(page.locator('#box-rect').isVisible()).resolves.toBe(true);
    await page.click('#box-clear');
    await expect(page.locator('#box-rect').isVisible()).resolves.toBe(false);
    await expect(page.inputValue('#box-w')).resolves.toBe('');
    // The keyboard's way: the four fields.
    for (const [id, v] of [['#box-x', '100'], ['#box-y', '90'], ['#box-w', '300'], ['#box-h', '320']]) await page.fill(id, v);
    await expect(page.locator('#box-rect').isVisible()).resolves.toBe(true);
    await submitJob(page, () => page.click('#image-submit'));
    const id = page.url().split('/').pop();
    const job = await (await fetch(`${server.url}/api/v1/jobs/${id}`)).json() as { options: { box?: number[] } };
    expect(job.options.box).toEqual([100, 90, 300, 320]);
    await page.click('#cancel');
    await page.close();
  }, 120000);

  test('photos around an object: wrong angles fail naming the photos; kept anyway, the job shows each photo\'s IoU and the warning', async () => {
    const { renderCalibratedViews } = await import('../../src/render/render-views.js');
    const { writeImage } = await import('../../src/core/image.js');
    const { asymmetricSdf, meshFromSdf } = await import('../helpers/shapes.js');
    const dir = tempDir();
    const rig = { views: [0, 90, 180, 270].map((azimuth) => ({ azimuth, elevation: 10, distance: 3, fov: 30 })) };
    const paths = await Promise.all(renderCalibratedViews(meshFromSdf(asymmetricSdf, 56), rig, 112, { shading: 'unlit' }).map(async (v, i) => {
      const p = join(dir, `side-${i}.png`);
      await writeImage(v.image, p);
      return p;
    }));
    const page = await browser.newPage({ viewport: { width: 1200, height: 1300 } });
    await page.goto(server.url);
    await page.click('#views-box summary');
    await page.setInputFiles('#views-files', paths);
    await page.fill('#views-azimuths', '90,0,180,270'); // the first two swapped
    await page.fill('#views-elevations', '10,10,10,10');
    await page.click('#advanced summary');
    await page.fill('#opt-faces', '4000');
    await submitJob(page, () => page.click('#views-submit'));
    expect(await waitForEnd(page)).toMatch(/the photos disagree with their angles: .*view-0\.png \(azimuth 90°/);
    await page.check('#views-force');
    await page.selectOption('#views-support-plane', 'off');
    await submitJob(page, () => page.click('#views-submit'));
    expect(await waitForEnd(page)).toBe('done');
    // The form's choices reach the job as the shared options.
    const forcedId = new URL(page.url()).pathname.split('/').pop()!;
    const forcedJob = (await (await fetch(`${server.url}/api/v1/jobs/${forcedId}`)).json()) as { options: { force?: boolean; supportPlane?: boolean } };
    expect([forcedJob.options.force, forcedJob.options.supportPlane]).toEqual([true, false]);
    await page.locator('#agreement').waitFor({ state: 'visible' });
    const text = (await page.locator('#agreement').textContent()) ?? '';
    expect(text).toMatch(/view-0\.png \(90°, 10°\) 0\.\d+ ✗/);
    expect(text).toMatch(/Warning: the photos disagree with their angles/);
    expect(await page.locator('#views').getAttribute('alt')).toMatch(/photos as used/);
    writeFileSync(join(ARTIFACTS, 'web-views-forced.png'), await page.screenshot({ fullPage: true }));
    await page.close();
  }, 300000);
  test('failed jobs show their views or none, never a broken image; a file that is not an image is refused in the page; a CJK font stack', async () => {
    // Two failed jobs as a previous run left them: one after diffusion (its views kept), one before.
    const data = tempDir();
    const record = (id: string, files?: string[]) => ({ id, kind: 'text', state: 'failed', createdAt: new Date().toISOString(), finishedAt: new Date().toISOString(), progress: 0.5, prompt: 'a red mug', options: {}, attempts: 1, files, error: { code: 'INVALID_INPUT', message: 'the views share no volume' } });
    const withViews = 'mwt00001-00000001', withoutViews = 'mwt00002-00000002';
    for (const [id, files] of [[withViews, ['views.png']], [withoutViews, undefined]] as [string, string[] | undefined][]) {
      mkdirSync(join(data, 'jobs', id), { recursive: true });
      writeFileSync(join(data, 'jobs', id, 'job.json'), JSON.stringify(record(id, files)));
    }
    await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 80, b: 30 } } }).png().toFile(join(data, 'jobs', withViews, 'preview-views.png'));
    const own = await serve(data);
    try {
      const page = await browser.newPage();
      await page.goto(`${own.url}/jobs/${withViews}`);
      await page.waitForFunction(() => /did not work/.test(document.getElementById('stage').textContent), undefined, { timeout: 20000 });
      await expect(page.locator('#error').textContent()).resolves.toMatch(/share no volume/);
      await page.waitForFunction(() => !document.getElementById('views').hidden && document.getElementById('views').naturalWidth === 96, undefined, { timeout: 10000 });
      await page.goto(`${own.url}/jobs/${withoutViews}`);
      await page.waitForFunction(() => /did not work/.test(document.getElementById('stage').textContent), undefined, { timeout: 20000 });
      expect(await page.locator('#views').isHidden()).toBe(true);
      // Views that are gone (deleted meanwhile) hide instead of showing broken.
      await page.evaluate(() => {
        const views = document.getElementById('views');
        views.hidden = false;
        views.src = '/api/v1/jobs/mwt00000-00000000/files/views.png';
      });
      await page.waitForFunction(() => document.getElementById('views').hidden === true, undefined, { timeout: 10000 });

      // A text file named .png is refused in the page, before any request: a readable message, no
      // broken preview, nothing to submit; a real photo after it is taken.
      const fake = join(tempDir(), 'notes.png');
      writeFileSync(fake, 'this is text, not a PNG');
      await page.setInputFiles('#file', fake);
      await page.locator('#error').waitFor({ state: 'visible' });
      await expect(page.locator('#error').textContent()).resolves.toMatch(/notes\.png is not a readable image/);
      expect(await page.locator('#drop-preview').isHidden()).toBe(true);
      expect(await page.locator('#image-submit').isDisabled()).toBe(true);
      writeFileSync(join(ARTIFACTS, 'web-bad-upload.png'), await page.screenshot());
      await page.setInputFiles('#file', join(REPO_ROOT, 'assets', 'samples', 'red-mug.png'));
      await page.locator('#drop-preview').waitFor({ state: 'visible', timeout: 10000 });
      expect(await page.locator('#image-submit').isEnabled()).toBe(true);
      expect(await page.locator('#error').isHidden()).toBe(true);

      // Chinese text gets a CJK family under any of its platform names before the generic fallback.
      const family = await page.evaluate(() => (globalThis as any).getComputedStyle(document.querySelector('.chip')).fontFamily as string);
      for (const name of ['Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei']) expect(family).toContain(name);
      expect(family.indexOf('Noto Sans CJK SC')).toBeLessThan(family.lastIndexOf('sans-serif'));
    } finally {
      await own.stop('SIGKILL');
    }
  }, 90000);

  test('served under a LAN host name over plain HTTP: the stylesheet and script load (no upgrade to https)', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    const lan = server.url.replace('127.0.0.1', 'kiln.test');
    const res = await page.goto(lan);
    expect(res!.headers()['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    expect(res!.headers()['strict-transport-security']).toBeUndefined();
    // Styled: the stylesheet's background colour, not the browser's white.
    expect(await page.evaluate(() => (globalThis as any).getComputedStyle(document.body).backgroundColor)).toBe('rgb(246, 245, 242)');
    // Scripted: an empty prompt is answered by the page itself. (A DOM click: the question is whether
    // the script runs, not whether the button is stable under a busy machine's frame rate.)
    await page.evaluate(() => document.getElementById('text-submit').click());
    await expect(page.locator('#error').textContent()).resolves.toMatch(/Describe the object first/);
    expect(failed).toEqual([]);
    await page.close();
  }, 60000);

  test('a private server: the page asks for the API key, keeps it, and uses it for every request, the event stream included', async () => {
    const privateServer = await serve(tempDir(), ['--private'], { KILN_API_KEY: 'open-sesame' });
    try {
      const context = await browser.newContext({ viewport: { width: 1200, height: 1300 }, acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(privateServer.url);
      // Without the key: the gallery is refused, and the page says where the key goes.
      await page.locator('#error').waitFor({ state: 'visible' });
      await expect(page.locator('#error').textContent()).resolves.toMatch(/needs its API key: enter it under “API key”/);
      expect(await page.evaluate(() => document.getElementById('access').open)).toBe(true);
      await page.fill('#api-key', 'open-sesame');
      await page.locator('#api-key').dispatchEvent('change');
      await page.waitForFunction(() => document.getElementById('error').hidden);
      // A job, followed live through the (fetch-based) event stream with the key.
      await page.evaluate(() => {
        document.getElementById('opt-fast').checked = true;
        document.getElementById('prompt').value = 'a red mug';
      });
      await submitJob(page, () => page.evaluate(() => document.getElementById('text-submit').click()));
      const end = await waitForEnd(page);
      if (end !== 'done') expect(end).toMatch(/[a-z]{4,}/);
      else {
        // Images and downloads cannot send headers: the page fetched them with the key.
        expect(await page.evaluate(() => document.getElementById('views').src)).toMatch(/^blob:/);
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download GLB')]);
        expect((await validateGlb(readFileSync((await download.path())!))).errors).toBe(0);
      }
      // The key is kept in this browser: a new page opens the gallery at once.
      const again = await context.newPage();
      await again.goto(privateServer.url);
      await again.waitForFunction(() => document.querySelectorAll('#gallery-list li').length === 1, undefined, { timeout: 10000 });
      expect(await again.locator('#error').isHidden()).toBe(true);
      await context.close();
    } finally {
      await privateServer.stop('SIGKILL');
    }
  }, 240000);

  test('a prompt naming no known object: the server\'s sentence, capitalised, and the list of objects the model knows opens', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelectorAll('#known-objects-list li').length > 0, undefined, { timeout: 10000 });
    const listed = await page.locator('#known-objects-list li').allTextContents();
    expect(listed).toContain('chair · 椅子');
    expect(await page.evaluate(() => document.getElementById('known-objects').open)).toBe(false);
    await page.fill('#prompt', '量子纠缠的薛定谔');
    await page.evaluate(() => document.getElementById('text-submit').click());
    await page.locator('#error').waitFor({ state: 'visible' });
    const message = await page.locator('#error').textContent();
    expect(message).toMatch(/^The model does not understand "量子纠缠" and "薛定谔", and the prompt names no object it knows; it knows \d+ kinds of object, such as 椅子/);
    expect(await page.evaluate(() => document.getElementById('known-objects').open)).toBe(true);
    writeFileSync(join(ARTIFACTS, 'web-unknown-words.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 1280, height: 900 } }));
    // Nothing was queued.
    expect(await page.locator('#job').isHidden()).toBe(true);
    await page.close();
  }, 60000);

  test('usable at phone width: every control is labelled and reachable', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(server.url);
    for (const id of ['file', 'prompt', 'opt-seed', 'opt-steps', 'opt-cfg', 'opt-cfg-scale', 'opt-faces', 'opt-texture', 'opt-fast', 'views-files', 'views-azimuths', 'views-elevations', 'views-support-plane', 'views-force']) {
      const label = await page.evaluate((i) => {
        const el = document.getElementById(i) as HTMLInputElement | null;
        return el ? Array.from(el.labels ?? []).map((l: any) => l.textContent?.trim()).join(' ') || el.getAttribute('aria-label') || '' : null;
      }, id);
      expect(label).toBeTruthy();
    }
    // Nothing overflows the narrow viewport sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // The drop zone is reached with Tab and opens the file picker (clicks the file input) on Enter.
    // Asserted on the input's click rather than on Chromium's file chooser, which headless Chromium
    // opens only for the page that has window focus: that made this check depend on test order.
    const reached = await page.evaluate(() => document.getElementById('drop')?.tabIndex >= 0);
    expect(reached).toBe(true);
    const clicked = page.evaluate(() => new Promise<boolean>((resolve) => {
      document.getElementById('file').addEventListener('click', (e: any) => { e.preventDefault(); resolve(true); }, { once: true });
    }));
    await page.focus('#drop');
    await page.keyboard.press('Enter');
    await expect(clicked).resolves.toBe(true);
    writeFileSync(join(ARTIFACTS, 'web-phone.png'), await page.screenshot({ fullPage: true }));
    await page.close();
  }, 60000);
});
