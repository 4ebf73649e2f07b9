import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { validateGlb } from '../../src/export/validate-glb.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { twoDiscsPng } from '../helpers/photos.js';
import { serve as startServer, type RunningServer } from '../helpers/serve.js';

// The real service, as `kiln serve` starts it, on a loopback port; requests with fetch.

const started: RunningServer[] = [];

async function serve(data: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningServer> {
  const s = await startServer(data, args, env);
  started.push(s);
  return s;
}

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop('SIGKILL')));
});

const SAMPLE = readFileSync(join(REPO_ROOT, 'assets', 'samples', 'red-mug.png'));

function imageForm(bytes: Uint8Array, options?: object, name = 'photo.png'): FormData {
  const form = new FormData();
  form.append('image', new Blob([bytes]), name);
  if (options) form.append('options', JSON.stringify(options));
  return form;
}

async function json(res: Response): Promise<any> {
  return res.json();
}

/** Reads a job's event stream until it ends; returns the events. */
async function events(url: string, lastEventId?: number, headers: Record<string, string> = {}): Promise<{ id: number; type: string; data: any }[]> {
  const res = await fetch(url, { headers: { ...headers, ...(lastEventId ? { 'Last-Event-ID': String(lastEventId) } : {}) } });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('event:'))
    .map((block) => {
      const field = (k: string) => block.split('\n').find((l) => l.startsWith(`${k}: `))!.slice(k.length + 2);
      return { id: Number(field('id')), type: field('event'), data: JSON.parse(field('data')) };
    });
}

/** Waits until a job has finished, reading it with the given headers (an API key). */
async function waitForWithKey(url: string, headers: Record<string, string>, timeoutMs = 90000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await json(await fetch(url, { headers }));
    if (['succeeded', 'failed', 'cancelled'].includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job still ${job.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitFor(url: string, states: string[], timeoutMs = 60000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await json(await fetch(url));
    if (states.includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job still ${job.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A PNG whose header claims width × height, with no pixel data worth the name. */
function claimedPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([120, 156, 3, 0, 0, 0, 0, 1])), chunk('IEND', Buffer.alloc(0))]);
}

describe('kiln serve', () => {
  test('image → 3D: 202 with links, progress events in order, a valid GLB, listed newest first', async () => {
    const s = await serve(tempDir());
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(await json(await fetch(`${s.url}/readyz`))).toMatchObject({ status: 'ready' });
    const res = await fetch(`${s.url}/api/v1/jobs`, { method: 'POST', body: imageForm(SAMPLE, { fast: true, formats: ['glb', 'stl'], cfgScale: 6 }) });
    expect(res.status).toBe(202);
    const job = await json(res);
    expect(res.headers.get('location')).toBe(`/api/v1/jobs/${job.id}`);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(job.kind).toBe('image');
    const evs = await events(`${s.url}${job.links.events}`);
    expect(evs.map((e) => e.type)).toEqual(expect.arrayContaining(['queued', 'started', 'stage', 'views', 'done']));
    expect(evs.at(-1)!.type).toBe('done');
    const ids = evs.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const fractions = evs.filter((e) => e.type === 'stage' || e.type === 'progress').map((e) => e.data.progress);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(evs.filter((e) => e.type === 'stage').map((e) => e.data.stage)).toEqual(expect.arrayContaining(['preprocess', 'diffusion', 'reconstruct', 'texture']));
    // Resuming after an event replays only what came after it.
    const resumed = await events(`${s.url}${job.links.events}`, ids.at(-2));
    expect(resumed.map((e) => e.id)).toEqual([ids.at(-1)]);
    // Resuming after the last event (or from a foreign id) still ends with the outcome.
    for (const last of [ids.at(-1)!, ids.at(-1)! + 50]) expect((await events(`${s.url}${job.links.events}`, last)).map((e) => e.type)).toEqual(['done']);

    const done = await json(await fetch(`${s.url}/api/v1/jobs/${job.id}`));
    expect(done.state).toBe('succeeded');
    expect(done.files).toEqual(expect.arrayContaining(['model.glb', 'model.stl', 'preview.gif', 'input.png', 'views.png']));
    expect(done.timings.diffusion).toBeGreaterThan(0);
    const glb = await fetch(`${s.url}${done.links.files['model.glb']}`);
    expect(glb.headers.get('content-type')).toBe('model/gltf-binary');
    expect((await validateGlb(new Uint8Array(await glb.arrayBuffer()))).errors).toBe(0);
    // cfgScale without cfg rescales the model's own preset (it used to be dropped silently).
    const report = await json(await fetch(`${s.url}/api/v1/jobs/${job.id}/files/report.json`));
    expect(report.options.guidance.scale).toBe(6);

    const text = await json(await fetch(`${s.url}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: '一个红色的杯子', options: { fast: true, seed: 3 } }) }));
    expect(text.kind).toBe('text');
    const list = await json(await fetch(`${s.url}/api/v1/jobs?limit=1`));
    expect(list.total).toBe(2);
    expect(list.jobs.map((j: any) => j.id)).toEqual([text.id]);
    expect(list.next).toBe('/api/v1/jobs?limit=1&offset=1');
    expect((await json(await fetch(`${s.url}${list.next}`))).jobs[0].id).toBe(job.id);
    await waitFor(`${s.url}/api/v1/jobs/${text.id}`, ['succeeded', 'failed']);

    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/kiln_jobs\{state="succeeded"\} [12]/);
    expect(metrics).toMatch(/kiln_stage_duration_seconds_bucket\{le="[\d.]+",stage="diffusion"\}/);
    expect(metrics).toMatch(/kiln_queue_length 0/);
    const doc = await json(await fetch(`${s.url}/api/openapi.json`));
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/jobs', '/api/v1/jobs/{id}/events']));
    expect(doc.components.schemas.JobOptions.properties.steps.maximum).toBe(200);
    expect(await (await fetch(`${s.url}/api/docs`)).text()).toMatch(/POST \/api\/v1\/jobs/);
    // The web app: its page at / and at a job's shareable URL, its bundle under /app.
    expect(await (await fetch(`${s.url}/`)).text()).toMatch(/src="\/app\/app\.js"/);
    expect((await fetch(`${s.url}/jobs/${job.id}`)).headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${s.url}/app/app.js`)).headers.get('content-type')).toMatch(/javascript/);

    expect((await fetch(`${s.url}/api/v1/jobs/${job.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${s.url}/api/v1/jobs/${job.id}`)).status).toBe(404);
    expect(await s.stop()).toBe(0);
  });

  test('bad input: the right status, a stable code and a message; nothing is queued', async () => {
    const data = tempDir();
    const s = await serve(data, ['--max-upload-mb', '1']);
    const post = (body: string | FormData, headers: Record<string, string> = {}) => fetch(`${s.url}/api/v1/jobs`, { method: 'POST', body, headers });
    const postJson = (value: unknown) => post(JSON.stringify(value), { 'content-type': 'application/json' });
    const expectError = async (res: Response | Promise<Response>, status: number, code: string, message?: RegExp) => {
      const r = await res;
      expect(r.status).toBe(status);
      const body = await json(r);
      expect(body.error.code).toBe(code);
      expect(typeof body.error.message).toBe('string');
      if (message) expect(body.error.message).toMatch(message);
      expect(JSON.stringify(body)).not.toMatch(/\s+at \w/);
    };
    await expectError(postJson({ prompt: '   ' }), 400, 'EMPTY_PROMPT');
    await expectError(postJson({ prompt: 5 }), 400, 'INVALID_REQUEST', /prompt/);
    await expectError(postJson({ prompt: 'a mug', options: { steps: 'many' } }), 400, 'INVALID_REQUEST', /options\.steps/);
    await expectError(postJson({ prompt: 'a mug', colour: 'red' }), 400, 'INVALID_REQUEST');
    await expectError(postJson({ prompt: 'a mug', options: { faces: 1 } }), 400, 'INVALID_REQUEST', /options\.faces/);
    await expectError(post('{"prompt": ', { 'content-type': 'application/json' }), 400, 'INVALID_REQUEST', /not valid JSON/);
    // A prompt must name an object the model knows; the message names the words it did not understand.
    await expectError(postJson({ prompt: 'zzqx blorf' }), 422, 'UNKNOWN_WORDS', /does not understand "zzqx" and "blorf"/);
    await expectError(postJson({ prompt: 'xyzzy a' }), 422, 'UNKNOWN_WORDS', /^the model does not understand "xyzzy", and the prompt names no object it knows; it knows \d+ kinds of object, such as chair, .*\/api\/v1\/vocabulary/);
    await expectError(postJson({ prompt: '量子纠缠的薛定谔' }), 422, 'UNKNOWN_WORDS', /"量子纠缠" and "薛定谔".*such as 椅子/);
    await expectError(postJson({ prompt: 'red' }), 422, 'UNKNOWN_WORDS', /^the prompt names no object the model knows/);
    // …and the full list is served: objects in English and Chinese, every one of them a prompt the server takes.
    const vocabulary = await json(await fetch(`${s.url}/api/v1/vocabulary`));
    expect(vocabulary.objects.length).toBeGreaterThanOrEqual(20);
    expect(vocabulary.objects).toEqual(expect.arrayContaining([expect.objectContaining({ en: 'chair', zh: '椅子' }), expect.objectContaining({ en: 'vase', zh: '花瓶' })]));
    expect(vocabulary.colors).toEqual(expect.arrayContaining([{ en: 'red', zh: '红色' }]));
    const openapi = await json(await fetch(`${s.url}/api/openapi.json`));
    expect(openapi.paths['/api/v1/vocabulary'].get).toBeDefined();
    expect(openapi.paths['/api/v1/jobs'].post.responses[422].description).toMatch(/UNKNOWN_WORDS/);
    await expectError(post('a red mug', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(post(imageForm(new Uint8Array(0))), 400, 'EMPTY_FILE');
    await expectError(post(imageForm(Buffer.from('this is text, not a PNG'), undefined, 'notes.png')), 415, 'UNSUPPORTED_MEDIA_TYPE', /not a readable image/);
    await expectError(post(imageForm(claimedPng(30000, 30000))), 413, 'TOO_LARGE', /30000×30000/);
    await expectError(post(imageForm(new Uint8Array(2 * 1024 * 1024).fill(7))), 413, 'TOO_LARGE');
    await expectError(post(imageForm(SAMPLE, { fast: 'yes' })), 400, 'INVALID_REQUEST', /options\.fast/);
    const views = new FormData();
    views.append('views', new Blob([SAMPLE]), 'a.png');
    views.append('views', new Blob([SAMPLE]), 'b.png');
    views.append('azimuths', '0');
    await expectError(post(views), 400, 'INVALID_REQUEST', /azimuths: expected 2/);
    await expectError(postJson({ prompt: 'a mug', options: { force: true } }), 400, 'INVALID_REQUEST', /options\.force: only for photos \(image and views jobs\)/);
    await expectError(post(imageForm(SAMPLE, { supportPlane: true })), 400, 'INVALID_REQUEST', /options\.supportPlane: only for photos around an object/);
    // A box is checked against the photo's size at once (the sample is 512×512), and refused where no photo is.
    await expectError(post(imageForm(SAMPLE, { box: [400, 0, 200, 100] })), 400, 'INVALID_REQUEST', /options\.box: \[400, 0, 200, 100\] reaches outside the 512×512 photo/);
    await expectError(post(imageForm(SAMPLE, { box: [0, 0, 4, 100] })), 400, 'INVALID_REQUEST', /options\.box: must be 16×16 pixels or more/);
    await expectError(postJson({ prompt: 'a mug', options: { box: [0, 0, 100, 100] } }), 400, 'INVALID_REQUEST', /options\.box: only for image → 3D/);
    await expectError(postJson({ prompt: 'a mug', options: { supportPlane: false } }), 400, 'INVALID_REQUEST', /options\.supportPlane/);
    // Ids: unknown, malformed, traversal; files: only known output names.
    await expectError(fetch(`${s.url}/api/v1/jobs/mwt00000-00000000`), 404, 'NOT_FOUND');
    await expectError(fetch(`${s.url}/api/v1/jobs/not-an-id`), 400, 'INVALID_ID');
    await expectError(fetch(`${s.url}/api/v1/jobs/..%2F..%2Fetc/files/passwd`), 400, 'INVALID_ID');
    await expectError(fetch(`${s.url}/api/v1/jobs/mwt00000-00000000/files/..%2Fjob.json`), 404, 'NOT_FOUND');
    await expectError(fetch(`${s.url}/api/v1/jobs?limit=1000`), 400, 'INVALID_REQUEST');
    await expectError(fetch(`${s.url}/api/v1/nothing`), 404, 'NOT_FOUND');
    expect((await json(await fetch(`${s.url}/api/v1/jobs`))).total).toBe(0);
    expect(readdirSync(join(data, 'jobs'))).toEqual([]);
    // Security headers; CORS is off by default.
    const h = await fetch(`${s.url}/api/v1/jobs`, { headers: { Origin: 'https://elsewhere.example' } });
    expect(h.headers.get('x-content-type-options')).toBe('nosniff');
    expect(h.headers.get('access-control-allow-origin')).toBeNull();
    await s.stop();
  });

  test('views: photos that disagree with their angles fail with their names; force keeps the model and the warning', async () => {
    const { renderCalibratedViews } = await import('../../src/render/render-views.js');
    const { encodeImage } = await import('../../src/core/image.js');
    const { asymmetricSdf, meshFromSdf } = await import('../helpers/shapes.js');
    const s = await serve(tempDir());
    const rig = { views: [0, 90, 180, 270].map((azimuth) => ({ azimuth, elevation: 10, distance: 3, fov: 30 })) };
    const pngs = await Promise.all(renderCalibratedViews(meshFromSdf(asymmetricSdf, 56), rig, 112, { shading: 'unlit' }).map((v) => encodeImage(v.image)));
    const submit = async (options: object) => {
      const form = new FormData();
      pngs.forEach((png, i) => form.append('views', new Blob([png]), `p${i}.png`));
      form.append('azimuths', '90,0,180,270'); // the first two swapped
      form.append('elevations', '10,10,10,10');
      form.append('options', JSON.stringify({ faces: 4000, textureSize: 256, ...options }));
      const res = await fetch(`${s.url}/api/v1/jobs`, { method: 'POST', body: form });
      expect(res.status).toBe(202);
      return waitFor(`${s.url}${(await json(res)).links.self}`, ['succeeded', 'failed'], 120000);
    };
    const failed = await submit({});
    expect(failed.state).toBe('failed');
    expect(failed.error.code).toBe('INVALID_INPUT');
    expect(failed.error.message).toMatch(/^views: the photos disagree with their angles: .*view-0\.png \(azimuth 90°, elevation 10°: IoU 0\.\d+\)/);
    const forced = await submit({ force: true });
    expect(forced.state).toBe('succeeded');
    expect(forced.files).toEqual(expect.arrayContaining(['model.glb', 'views.png', 'report.json']));
    // The job record carries the check as report.json has it.
    expect(forced.viewAgreement.disagreeing).toContain(0);
    expect(forced.viewAgreement.warning).toMatch(/kept because the run was forced/);
    expect(forced.viewAgreement.views.map((v: { name: string }) => v.name)).toEqual(['view-0.png', 'view-1.png', 'view-2.png', 'view-3.png']);
    const report = await json(await fetch(`${s.url}/api/v1/jobs/${forced.id}/files/report.json`));
    expect(report.viewAgreement).toEqual(forced.viewAgreement);
    await s.stop();
  });

  test('image: a doubtful cut-out fails its job with DOUBTFUL_CUTOUT and the reason, kept on the record; force keeps the cut and its warning', async () => {
    const s = await serve(tempDir());
    const submit = async (options: object) => {
      const res = await fetch(`${s.url}/api/v1/jobs`, { method: 'POST', body: imageForm(await twoDiscsPng(), { fast: true, formats: ['glb'], ...options }) });
      expect(res.status).toBe(202);
      return waitFor(`${s.url}${(await json(res)).links.self}`, ['succeeded', 'failed'], 120000);
    };
    const failed = await submit({});
    expect(failed.state).toBe('failed');
    expect(failed.error.code).toBe('DOUBTFUL_CUTOUT');
    expect(failed.error.message).toMatch(/^preprocessImage: the cut-out is doubtful: .*the cut fell apart into pieces .*--box x,y,w,h/);
    // The event stream ends with the same code and reason, for the web app to open its box tool.
    const evs = await events(`${s.url}${failed.links.events}`);
    expect(evs.at(-1)).toMatchObject({ type: 'failed', data: { code: 'DOUBTFUL_CUTOUT', message: failed.error.message } });
    const forced = await submit({ force: true });
    expect(forced.state).toBe('succeeded');
    expect(forced.cutout.method).toBe('border');
    expect(forced.cutout.doubts).toContainEqual(expect.stringMatching(/fell apart into pieces/));
    expect(forced.cutout.warning).toMatch(/kept because the run was forced$/);
    const report = await json(await fetch(`${s.url}/api/v1/jobs/${forced.id}/files/report.json`));
    expect(report.cutout).toEqual(forced.cutout);
    await s.stop();
  });

  test('malformed multipart, views beyond the limit, absurd angles, control characters and charsets: 4xx with the right code', async () => {
    const s = await serve(tempDir());
    const post = (body: string | FormData | Uint8Array, headers: Record<string, string> = {}) => fetch(`${s.url}/api/v1/jobs`, { method: 'POST', body, headers });
    const expectError = async (res: Promise<Response>, status: number, code: string, message?: RegExp) => {
      const r = await res;
      const body = await json(r);
      expect([r.status, body.error.code]).toEqual([status, code]);
      if (message) expect(body.error.message).toMatch(message);
    };
    // Multipart without a boundary, and a body cut off in the middle of a part.
    await expectError(post('image=x', { 'content-type': 'multipart/form-data' }), 400, 'INVALID_REQUEST', /multipart/);
    const whole = new Response(imageForm(SAMPLE));
    const type = whole.headers.get('content-type')!;
    const bytes = new Uint8Array(await whole.arrayBuffer());
    await expectError(post(bytes.slice(0, 400), { 'content-type': type }), 400, 'INVALID_REQUEST', /multipart/);
    // 13 views: the answer names the limit.
    const many = new FormData();
    for (let i = 0; i < 13; i++) many.append('views', new Blob([SAMPLE]), `v${i}.png`);
    many.append('azimuths', Array.from({ length: 13 }, (_, i) => i * 27).join(','));
    await expectError(post(many), 400, 'INVALID_REQUEST', /12/);
    // Angles: finite and in range, named by view.
    const views = (azimuths: string, elevations?: string) => {
      const f = new FormData();
      f.append('views', new Blob([SAMPLE]), 'a.png');
      f.append('views', new Blob([SAMPLE]), 'b.png');
      f.append('azimuths', azimuths);
      if (elevations) f.append('elevations', elevations);
      return f;
    };
    await expectError(post(views('1e300,90')), 400, 'INVALID_REQUEST', /azimuths\[0\]/);
    await expectError(post(views('0,Infinity')), 400, 'INVALID_REQUEST', /azimuths/);
    await expectError(post(views('0,90', '10,90')), 400, 'INVALID_REQUEST', /elevations\[1\]/);
    // Prompts: NUL and terminal escapes are refused, not stored.
    const prompt = (p: string) => post(JSON.stringify({ prompt: p }), { 'content-type': 'application/json' });
    await expectError(prompt('a red mug\u0000'), 400, 'INVALID_REQUEST', /control character \(U\+0000/);
    await expectError(prompt('\u001b[31ma red mug\u001b[0m'), 400, 'INVALID_REQUEST', /U\+001B/);
    // 415 always goes with UNSUPPORTED_MEDIA_TYPE, as the docs say.
    await expectError(post('{"prompt":"a red mug"}', { 'content-type': 'application/json; charset=latin1' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect((await json(await fetch(`${s.url}/api/v1/jobs`))).total).toBe(0);
    await s.stop();
  });

  test('a data folder removed under a running server: client errors stay 4xx, storing a job is 503 STORAGE_UNAVAILABLE, /readyz says so', async () => {
    const data = tempDir();
    const s = await serve(data);
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    rmSync(data, { recursive: true, force: true });
    const post = (body: unknown) => fetch(`${s.url}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const empty = await post({ prompt: '' });
    expect([empty.status, (await json(empty)).error.code]).toEqual([400, 'EMPTY_PROMPT']);
    const refused = await post({ prompt: 'a red mug' });
    expect([refused.status, (await json(refused)).error.code]).toEqual([503, 'STORAGE_UNAVAILABLE']);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    const ready = await fetch(`${s.url}/readyz`);
    expect([ready.status, (await json(ready)).error.code]).toEqual([503, 'STORAGE_UNAVAILABLE']);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    // Nothing was recreated behind the operator's back.
    expect(existsSync(data)).toBe(false);
    await s.stop();
  });

  test('private mode: the API key guards reads, files, events and /metrics; health, docs and the page stay open; HSTS and upgrade-insecure-requests only over HTTPS', async () => {
    // Private mode without a key cannot start.
    await expect(serve(tempDir(), ['--private'], { KILN_API_KEY: '' })).rejects.toThrow(/private mode needs an API key/);

    const s = await serve(tempDir(), ['--private', '--trust-proxy', 'loopback'], { KILN_API_KEY: 'sesame' });
    const key = { authorization: 'Bearer sesame' };
    const created = await fetch(`${s.url}/api/v1/jobs`, { method: 'POST', headers: { ...key, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'a red mug', options: { fast: true } }) });
    expect(created.status).toBe(202);
    const job = await json(created);
    for (const path of ['/api/v1/jobs', `/api/v1/jobs/${job.id}`, `/api/v1/jobs/${job.id}/events`, `/api/v1/jobs/${job.id}/files/model.glb`, '/metrics']) {
      const open = await fetch(`${s.url}${path}`);
      expect([path, open.status]).toEqual([path, 401]);
      expect((await json(open)).error.code).toBe('UNAUTHORIZED');
      expect(open.headers.get('www-authenticate')).toBe('Bearer');
      expect([path, (await fetch(`${s.url}${path}`, { headers: { authorization: 'Bearer nope' } })).status]).toEqual([path, 401]);
    }
    const done = await waitForWithKey(`${s.url}/api/v1/jobs/${job.id}`, key);
    expect((await events(`${s.url}/api/v1/jobs/${job.id}/events`, undefined, key)).at(-1)!.type).toMatch(/done|failed/);
    if (done.state === 'succeeded') expect((await fetch(`${s.url}${done.links.files['model.glb']}`, { headers: key })).status).toBe(200);
    expect((await fetch(`${s.url}/metrics`, { headers: key })).status).toBe(200);
    for (const path of ['/healthz', '/readyz', '/api/docs', '/api/openapi.json', '/api/v1/vocabulary', '/']) expect([path, (await fetch(`${s.url}${path}`)).status]).toEqual([path, 200]);

    // Plain HTTP: no HSTS, no upgrade-insecure-requests (they would break the page on a LAN address).
    const plain = await fetch(`${s.url}/`);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    expect(plain.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
    // Forwarded as https by a trusted proxy (loopback here): both.
    const proxied = await fetch(`${s.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(proxied.headers.get('content-security-policy')).toMatch(/upgrade-insecure-requests/);
    await s.stop();

    // --https: always both; and by default (no --private) reads are public.
    const t = await serve(tempDir(), ['--https']);
    const always = await fetch(`${t.url}/`);
    expect(always.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(always.headers.get('content-security-policy')).toMatch(/upgrade-insecure-requests/);
    expect((await fetch(`${t.url}/api/v1/jobs`)).status).toBe(200);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(200);
    await t.stop();
  });

  test('request logs: one line per request with its id and status, and never the API key', async () => {
    const s = await serve(tempDir(), [], { KILN_API_KEY: 'sesame-secret', KILN_LOG_LEVEL: 'info' });
    const r = await fetch(`${s.url}/api/v1/jobs`, { method: 'POST', headers: { authorization: 'Bearer sesame-secret', 'content-type': 'application/json', 'x-request-id': 'req-log-check' }, body: JSON.stringify({ prompt: '' }) });
    expect(r.status).toBe(400);
    expect(r.headers.get('x-request-id')).toBe('req-log-check');
    // The line is written when the response finishes and reaches us through a pipe: wait for it.
    for (let i = 0; i < 100 && !s.logs().includes('req-log-check'); i++) await new Promise((done) => setTimeout(done, 50));
    const line = s.logs().split('\n').find((l) => l.includes('req-log-check'));
    expect(line).toBeDefined();
    const entry = JSON.parse(line!);
    expect(entry.req).toMatchObject({ id: 'req-log-check', method: 'POST', url: '/api/v1/jobs' });
    expect(entry.res.statusCode).toBe(400);
    expect(s.logs()).not.toContain('sesame-secret');
    await s.stop();
  });

  test('cancel while running; the queue refuses beyond its length with 429 and Retry-After; the API key guards writes', async () => {
    const s = await serve(tempDir(), ['--max-queue', '1'], { KILN_API_KEY: 'sesame' });
    const auth = { authorization: 'Bearer sesame', 'content-type': 'application/json' };
    const submit = (prompt: string, options: object, headers: Record<string, string> = auth) =>
      fetch(`${s.url}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ prompt, options }) });
    expect((await submit('a red mug', {}, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await submit('a red mug', {}, { authorization: 'Bearer wrong', 'content-type': 'application/json' })).status).toBe(401);
    const slow = await json(await submit('a red mug', { steps: 200 }));
    const waiting = await json(await submit('a blue vase', { fast: true }));
    const refused = await submit('a green chair', { fast: true });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(refused)).error.code).toBe('QUEUE_FULL');
    // The slow job is running: cancel it and watch it stop; the waiting one then runs.
    await waitFor(`${s.url}/api/v1/jobs/${slow.id}`, ['running']);
    expect((await fetch(`${s.url}/api/v1/jobs/${slow.id}`, { method: 'DELETE', headers: auth })).status).toBe(409);
    expect((await fetch(`${s.url}/api/v1/jobs/${slow.id}/cancel`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${s.url}/api/v1/jobs/${slow.id}/cancel`, { method: 'POST', headers: auth })).status).toBe(202);
    const cancelled = await waitFor(`${s.url}/api/v1/jobs/${slow.id}`, ['cancelled', 'succeeded', 'failed'], 20000);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.files).toBeUndefined();
    const evs = await events(`${s.url}/api/v1/jobs/${slow.id}/events`);
    expect(evs.at(-1)!.type).toBe('cancelled');
    const after = await waitFor(`${s.url}/api/v1/jobs/${waiting.id}`, ['succeeded', 'failed']);
    expect(after.attempts).toBe(1);
    if (after.state === 'failed') expect(after.error.code).toBe('INVALID_INPUT');
    expect((await fetch(`${s.url}/api/v1/jobs/${slow.id}/cancel`, { method: 'POST', headers: auth })).status).toBe(409);
    await s.stop();
  });

  test('per-client write rate limit and a nearly full disk are refused with 429 and 503', async () => {
    const s = await serve(tempDir(), ['--rate-limit', '3', '--min-free-mb', '1000000000']);
    const post = () => fetch(`${s.url}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'a red mug' }) });
    for (let i = 0; i < 3; i++) {
      const r = await post();
      expect(r.status).toBe(503);
      expect((await json(r)).error.code).toBe('DISK_FULL');
    }
    const limited = await post();
    expect(limited.status).toBe(429);
    expect((await json(limited)).error.code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toBeTruthy();
    // Reads are not limited.
    expect((await fetch(`${s.url}/api/v1/jobs`)).status).toBe(200);
    await s.stop();
  });

  test('unreadable job records are quarantined, never deleted; newer fields are tolerated; a finished job\'s stream always ends with its outcome', async () => {
    const data = tempDir();
    const record = (id: string, extra: object = {}) => ({ id, kind: 'text', state: 'succeeded', createdAt: new Date().toISOString(), finishedAt: new Date().toISOString(), progress: 1, prompt: 'a red mug', options: {}, attempts: 1, files: ['model.stl'], ...extra });
    const put = (id: string, jobJson: string | undefined, output = true) => {
      mkdirSync(join(data, 'jobs', id, 'out'), { recursive: true });
      if (output) writeFileSync(join(data, 'jobs', id, 'out', 'model.stl'), 'solid x\nendsolid x\n');
      if (jobJson !== undefined) writeFileSync(join(data, 'jobs', id, 'job.json'), jobJson);
    };
    const good = 'mwt00001-00000001', newer = 'mwt00002-00000002', truncated = 'mwt00003-00000003', empty = 'mwt00004-00000004';
    const badState = 'mwt00005-00000005', noRecord = 'mwt00006-00000006', interrupted = 'mwt00007-00000007';
    put(good, JSON.stringify(record(good)));
    // What a newer version might write: an option and a field this version does not know.
    put(newer, JSON.stringify(record(newer, { options: { seed: 3, lighting: 'studio' }, owner: 'someone' })));
    put(truncated, JSON.stringify(record(truncated)).slice(0, 40));
    put(empty, '');
    put(badState, JSON.stringify(record(badState, { state: 'paused' })));
    put(noRecord, undefined);
    mkdirSync(join(data, 'jobs', interrupted, 'input'), { recursive: true });
    writeFileSync(join(data, 'jobs', interrupted, 'input', 'image.png'), SAMPLE);

    const s = await serve(data);
    const list = await json(await fetch(`${s.url}/api/v1/jobs`));
    expect(list.jobs.map((j: any) => j.id).sort()).toEqual([good, newer]);
    expect((await fetch(`${s.url}/api/v1/jobs/${newer}/files/model.stl`)).status).toBe(200);
    // Nothing deleted: each unreadable folder is in quarantine/, outputs included, with its reason.
    const quarantined = readdirSync(join(data, 'quarantine')).sort();
    expect(quarantined).toEqual([truncated, empty, badState, noRecord].sort());
    for (const id of quarantined) {
      expect(existsSync(join(data, 'quarantine', id, 'out', 'model.stl'))).toBe(true);
      expect(readFileSync(join(data, 'quarantine', id, 'quarantine-reason.txt'), 'utf8')).toMatch(/job\.json/);
    }
    expect(readFileSync(join(data, 'quarantine', badState, 'quarantine-reason.txt'), 'utf8')).toMatch(/state/);
    expect(readFileSync(join(data, 'quarantine', empty, 'quarantine-reason.txt'), 'utf8')).toMatch(/not valid JSON/);
    // The interrupted submission (no record, no outputs) was never acknowledged: it is removed.
    expect(readdirSync(join(data, 'jobs')).sort()).toEqual([good, newer]);
    expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(/^kiln_jobs_quarantined 4$/m);

    // A job finished before this start has no event log: its stream is its outcome, whatever
    // Last-Event-ID the client resumes from (a stale id used to give an empty stream forever).
    for (const last of [undefined, 1, 7, 1000]) {
      const evs = await events(`${s.url}/api/v1/jobs/${good}/events`, last);
      expect(evs.length).toBeGreaterThanOrEqual(1);
      expect(evs.at(-1)!.type).toBe('done');
      expect(evs.at(-1)!.data.files).toEqual(['model.stl']);
    }
    await s.stop();
    // The tolerated record is still the newer version's, fields and all.
    expect(JSON.parse(readFileSync(join(data, 'jobs', newer, 'job.json'), 'utf8')).options.lighting).toBe('studio');
  });

  test('a server killed with a job in flight re-runs it after the restart: nothing lost, nothing stuck', async () => {
    const data = tempDir();
    const first = await serve(data);
    const submit = (prompt: string, options: object) =>
      fetch(`${first.url}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, options }) }).then(json);
    const inFlight = await submit('a red mug', { steps: 120 });
    const queued = await submit('a blue vase', { fast: true });
    await waitFor(`${first.url}/api/v1/jobs/${inFlight.id}`, ['running']);
    await first.stop('SIGKILL');
    const onDisk = JSON.parse(readFileSync(join(data, 'jobs', inFlight.id, 'job.json'), 'utf8'));
    expect(onDisk.state).toBe('running');

    const second = await serve(data);
    const a = await waitFor(`${second.url}/api/v1/jobs/${inFlight.id}`, ['succeeded', 'failed'], 90000);
    const b = await waitFor(`${second.url}/api/v1/jobs/${queued.id}`, ['succeeded', 'failed'], 90000);
    // Run again from the start: it ends the way the model makes it end, not because it was interrupted.
    expect(a.attempts).toBe(2);
    if (a.state === 'failed') expect(a.error.code).toBe('INVALID_INPUT');
    expect(b.attempts).toBe(1);
    expect(['succeeded', 'failed']).toContain(b.state);
    // A graceful stop (SIGTERM) exits 0 and leaves no job running.
    expect(await second.stop('SIGTERM')).toBe(0);
    for (const id of readdirSync(join(data, 'jobs'))) {
      expect(JSON.parse(readFileSync(join(data, 'jobs', id, 'job.json'), 'utf8')).state).not.toBe('running');
    }
  });
});
