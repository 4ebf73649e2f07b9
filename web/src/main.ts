import { GUIDANCE_PRESETS, type GuidancePresetName } from '../../src/diffusion/guidance.js';
import { listOutputFiles } from '../../src/export/formats.js';
import { ApiRequestError, NEEDS_KEY_EVENT, authorizedFetch, getVocabulary, cancelJob, deleteJob, fileUrl, getJob, keyMessage, listJobs, submitImage, submitPrompt, submitViews, type Job, type JobOptions, type ViewAgreement } from './api.js';
import { apiKey, authHeaders, setApiKey } from './api-key.js';
import { openEventStream, type EventStream } from './event-stream.js';
import { ModelViewer, type ViewMode } from './viewer.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  file: $<HTMLInputElement>('file'),
  drop: $<HTMLLabelElement>('drop'),
  dropText: $('drop-text'),
  dropPreview: $<HTMLImageElement>('drop-preview'),
  imageForm: $<HTMLFormElement>('image-form'),
  imageSubmit: $<HTMLButtonElement>('image-submit'),
  textForm: $<HTMLFormElement>('text-form'),
  prompt: $<HTMLInputElement>('prompt'),
  error: $('error'),
  job: $('job'),
  jobTitle: $('job-title'),
  stage: $('stage'),
  times: $('times'),
  bar: $<HTMLProgressElement>('bar'),
  cancel: $<HTMLButtonElement>('cancel'),
  condition: $<HTMLImageElement>('condition'),
  views: $<HTMLImageElement>('views'),
  agreement: $('agreement'),
  viewsForm: $<HTMLFormElement>('views-form'),
  viewerWrap: $('viewer-wrap'),
  mode: $<HTMLSelectElement>('mode'),
  rotate: $<HTMLInputElement>('rotate'),
  stats: $('stats'),
  downloads: $('downloads'),
  gallery: $<HTMLUListElement>('gallery-list'),
  more: $<HTMLButtonElement>('more'),
  access: $<HTMLDetailsElement>('access'),
  boxField: $<HTMLFieldSetElement>('box-field'),
  boxStage: $('box-stage'),
  boxPhoto: $<HTMLImageElement>('box-photo'),
  boxRect: $('box-rect'),
  boxInputs: ['box-x', 'box-y', 'box-w', 'box-h'].map((id) => $<HTMLInputElement>(id)),
  boxClear: $<HTMLButtonElement>('box-clear'),
  boxAsk: $('box-ask'),
  key: $<HTMLInputElement>('api-key'),
};

let chosen: File | undefined;
/** The last job made from the chosen photo (a refusal of its cut-out opens the box tool on that photo). */
let chosenJob: string | undefined;
let events: EventStream | undefined;
let viewer: ModelViewer | undefined;
let ticker: number | undefined;
let galleryOffset = 0;

function showError(message: string | undefined): void {
  ui.error.hidden = !message;
  ui.error.textContent = message ?? '';
}

// The guidance presets are the library's own list.
$<HTMLSelectElement>('opt-cfg').append(...GUIDANCE_PRESETS.map((p) => new Option(p, p)));

function options(): JobOptions {
  const num = (id: string) => {
    const v = $<HTMLInputElement>(id).value.trim();
    return v === '' ? undefined : Number(v);
  };
  const o: JobOptions = { seed: num('opt-seed'), steps: num('opt-steps'), cfgScale: num('opt-cfg-scale'), faces: num('opt-faces'), fast: $<HTMLInputElement>('opt-fast').checked };
  const cfg = $<HTMLSelectElement>('opt-cfg').value;
  if (cfg) o.cfg = cfg as GuidancePresetName;
  const tex = $<HTMLSelectElement>('opt-texture').value;
  if (tex) o.textureSize = Number(tex);
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !Number.isNaN(v))) as JobOptions;
}

/**
 * Shows one of a job's images (with the API key when one is set); an image that cannot be had
 * (gone, refused) is hidden rather than shown broken.
 */
async function showImage(img: HTMLImageElement, url: string): Promise<void> {
  try {
    const src = await fileUrl(url);
    if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
    img.src = src;
    img.hidden = false;
  } catch {
    img.hidden = true;
    img.removeAttribute('src');
  }
}

// --- Access: the API key, kept in this browser --------------------------------------------------

ui.key.value = apiKey();
ui.key.addEventListener('change', () => {
  setApiKey(ui.key.value.trim());
  showError(undefined);
  void refreshGallery();
  void route();
});
window.addEventListener(NEEDS_KEY_EVENT, () => {
  ui.access.open = true;
});

// --- Create: photo (drop, pick, paste) or prompt -------------------------------------------------

const DROP_PROMPT = [...ui.dropText.childNodes].map((n) => n.cloneNode(true));

// --- Box: where the object is, drawn over the chosen photo (pixels of the photo as displayed) ----

/** The box around the object, [x, y, width, height] in pixels of the photo, or none. */
let box: [number, number, number, number] | undefined;

/** Sets (or clears) the box: the rectangle over the photo and the four fields show it. */
function setBox(b: [number, number, number, number] | undefined, fromFields = false): void {
  box = b;
  if (b) ui.boxAsk.hidden = true;
  ui.boxRect.hidden = !b;
  if (!fromFields) ui.boxInputs.forEach((input, i) => (input.value = b ? String(b[i]) : ''));
  drawBox();
}

/** Places the rectangle over the photo at its displayed scale (again after a resize). */
function drawBox(): void {
  const photo = ui.boxPhoto;
  if (!box || !photo.naturalWidth) return;
  const s = photo.clientWidth / photo.naturalWidth;
  Object.assign(ui.boxRect.style, { left: `${box[0] * s}px`, top: `${box[1] * s}px`, width: `${box[2] * s}px`, height: `${box[3] * s}px` });
}

/** A pointer position in pixels of the photo, clamped to it. */
function photoPoint(e: PointerEvent): [number, number] {
  const r = ui.boxPhoto.getBoundingClientRect();
  const w = ui.boxPhoto.naturalWidth, h = ui.boxPhoto.naturalHeight;
  const x = ((e.clientX - r.left) / Math.max(1, r.width)) * w, y = ((e.clientY - r.top) / Math.max(1, r.height)) * h;
  return [Math.min(w, Math.max(0, Math.round(x))), Math.min(h, Math.max(0, Math.round(y)))];
}

let dragFrom: [number, number] | undefined;
ui.boxStage.addEventListener('pointerdown', (e) => {
  if (!ui.boxPhoto.naturalWidth) return;
  e.preventDefault();
  dragFrom = photoPoint(e);
  ui.boxStage.setPointerCapture?.(e.pointerId);
});
ui.boxStage.addEventListener('pointermove', (e) => {
  if (!dragFrom) return;
  const [x, y] = photoPoint(e);
  setBox([Math.min(x, dragFrom[0]), Math.min(y, dragFrom[1]), Math.abs(x - dragFrom[0]), Math.abs(y - dragFrom[1])]);
});
const endDrag = (): void => {
  // A click (or a sliver) is not a box: the server needs at least 16 pixels each way.
  if (dragFrom && box && (box[2] < 16 || box[3] < 16)) setBox(undefined);
  dragFrom = undefined;
};
ui.boxStage.addEventListener('pointerup', endDrag);
ui.boxStage.addEventListener('pointercancel', endDrag);
for (const input of ui.boxInputs) {
  input.addEventListener('input', () => {
    const v = ui.boxInputs.map((i) => i.value.trim());
    if (v.every((t) => t === '')) return setBox(undefined, true);
    const n = v.map(Number);
    if (v.every((t) => t !== '') && n.every((x) => Number.isInteger(x) && x >= 0)) setBox(n as [number, number, number, number], true);
  });
}
ui.boxClear.addEventListener('click', () => setBox(undefined));
ui.boxPhoto.addEventListener('load', drawBox);
window.addEventListener('resize', drawBox);

/** Forgets the chosen photo: no preview, nothing to submit. */
function unchoose(): void {
  chosen = undefined;
  ui.boxField.hidden = true;
  ui.boxPhoto.removeAttribute('src');
  setBox(undefined);
  if (ui.dropPreview.src) URL.revokeObjectURL(ui.dropPreview.src);
  ui.dropPreview.removeAttribute('src');
  ui.dropPreview.hidden = true;
  ui.dropText.replaceChildren(...DROP_PROMPT.map((n) => n.cloneNode(true)));
  ui.imageSubmit.disabled = true;
}

/**
 * Takes a photo only once the browser has decoded it: a file's type comes from its name, so a text
 * file named `.png` would otherwise show a broken preview and go to the server.
 */
async function choose(file: File | undefined): Promise<void> {
  if (!file) return;
  const name = file.name || 'The pasted file';
  const refuse = () => {
    unchoose();
    showError(`${name} is not a readable image. Choose a PNG, JPEG or WebP photo.`);
  };
  if (!file.type.startsWith('image/')) return refuse();
  const url = URL.createObjectURL(file);
  const probe = new Image();
  probe.src = url;
  try {
    await probe.decode();
  } catch {
    URL.revokeObjectURL(url);
    return refuse();
  }
  showError(undefined);
  if (ui.dropPreview.src) URL.revokeObjectURL(ui.dropPreview.src);
  chosen = file;
  chosenJob = undefined;
  ui.dropPreview.src = url;
  ui.dropPreview.alt = `Preview of ${file.name || 'the pasted image'}`;
  ui.dropPreview.hidden = false;
  ui.dropText.textContent = file.name || 'pasted image';
  ui.imageSubmit.disabled = false;
  ui.boxPhoto.src = url;
  ui.boxField.hidden = false;
  ui.boxAsk.hidden = true;
  setBox(undefined);
}

/**
 * The server refused the photo's cut-out as doubtful (`DOUBTFUL_CUTOUT`): the fix is a box around
 * the object, so open the box tool over the photo, say why in a line, and put the focus there.
 */
function askForBox(job: Job): void {
  if (chosen === undefined || chosenJob !== job.id) {
    // Not the photo on the form (a job opened from the gallery): say what to do with it.
    showError(`${job.error?.message ?? ''} Choose the photo again above and drag a box around the object on it.`);
    return;
  }
  ui.boxAsk.textContent = job.options.box !== undefined
    ? 'The cut inside your box looks wrong. Drag a box a little larger than the object, with background on every side, and make it again.'
    : 'kiln could not tell the object from the background. Drag a box around the object on the photo, then make it again.';
  ui.boxAsk.hidden = false;
  ui.boxField.hidden = false;
  ui.boxField.scrollIntoView({ behavior: 'smooth', block: 'center' });
  ui.boxStage.focus({ preventScroll: true });
}

ui.file.addEventListener('change', () => void choose(ui.file.files?.[0]));
ui.drop.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    ui.file.click();
  }
});
for (const type of ['dragenter', 'dragover']) ui.drop.addEventListener(type, (e) => {
  e.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.drop.classList.remove('over');
  void choose(e.dataTransfer?.files[0]);
});
document.addEventListener('paste', (e) => {
  const item = [...(e.clipboardData?.items ?? [])].find((i) => i.type.startsWith('image/'));
  if (item) void choose(item.getAsFile() ?? undefined);
});

ui.imageForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!chosen) return;
  showError(undefined);
  ui.imageSubmit.disabled = true;
  try {
    // A typed box that is not complete is a mistake to point out, not a box to drop silently.
    if (!box && ui.boxInputs.some((i) => i.value.trim() !== '')) throw new Error('The box needs x, y, width and height, whole pixels of the photo (or clear it).');
    const job = await submitImage(chosen, chosen.name || 'pasted.png', box ? { ...options(), box } : options());
    chosenJob = job.id;
    openJob(job);
  } catch (err) {
    showError((err as Error).message);
  } finally {
    ui.imageSubmit.disabled = !chosen;
  }
});

// The objects the served model knows by name, from the server (its model's own list), under the examples.
const knownObjects = $<HTMLDetailsElement>('known-objects');
getVocabulary().then((v) => {
  $('known-objects-list').replaceChildren(...v.objects.map((o) => Object.assign(document.createElement('li'), { textContent: `${o.en} · ${o.zh}` })));
  $('known-colors').textContent = v.colors.map((c) => `${c.en} ${c.zh}`).join(', ');
}).catch(() => {
  // Without the list (an older server) the page still works.
  knownObjects.hidden = true;
});

ui.textForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const prompt = ui.prompt.value.trim();
  if (!prompt) {
    showError('Describe the object first, e.g. "a red mug".');
    ui.prompt.focus();
    return;
  }
  showError(undefined);
  try {
    openJob(await submitPrompt(prompt, options()));
  } catch (err) {
    const message = (err as Error).message;
    // The server's sentence, as a sentence; a prompt it did not understand also opens the list it can take.
    showError(message.charAt(0).toUpperCase() + message.slice(1));
    if (err instanceof ApiRequestError && err.code === 'UNKNOWN_WORDS') knownObjects.open = true;
  }
});

ui.viewsForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const files = [...($<HTMLInputElement>('views-files').files ?? [])];
  const azimuths = $<HTMLInputElement>('views-azimuths').value.trim();
  if (files.length < 2 || !azimuths) {
    showError('Choose at least 2 photos and give the azimuth of each, in order, e.g. 0,90,180,270.');
    return;
  }
  showError(undefined);
  const { faces, textureSize } = options();
  const submit = $<HTMLButtonElement>('views-submit');
  submit.disabled = true;
  try {
    // Left out, the support plane follows viewsTo3D's rule (on when every elevation is positive).
    const plane = $<HTMLSelectElement>('views-support-plane').value;
    const supportPlane = plane === 'on' ? true : plane === 'off' ? false : undefined;
    openJob(await submitViews(files, azimuths, $<HTMLInputElement>('views-elevations').value.trim(), { faces, textureSize, force: $<HTMLInputElement>('views-force').checked, supportPlane }));
  } catch (err) {
    showError((err as Error).message);
  } finally {
    submit.disabled = false;
  }
});

for (const chip of document.querySelectorAll<HTMLButtonElement>('.chip')) {
  chip.addEventListener('click', () => {
    ui.prompt.value = chip.textContent ?? '';
    ui.textForm.requestSubmit();
  });
}

// --- A job: live progress, the drawn image and the views as soon as they exist, then the model -----

const STAGE_NAMES: Record<string, string> = {
  queued: 'Waiting in the queue',
  'text-to-image': 'Drawing the object from the prompt',
  preprocess: 'Cutting out the object',
  diffusion: 'Imagining six views',
  reconstruct: 'Building the shape',
  unwrap: 'Unwrapping the surface',
  texture: 'Painting the texture',
  export: 'Writing the files',
};

function describe(job: Job): string {
  return job.kind === 'text' ? `“${job.prompt}”` : job.kind === 'image' ? 'From a photo' : 'From photos around an object';
}

function seconds(s: number): string {
  return s < 60 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function openJob(job: Job, push = true): void {
  events?.close();
  window.clearInterval(ticker);
  if (push && location.pathname !== `/jobs/${job.id}`) history.pushState({ id: job.id }, '', `/jobs/${job.id}`);
  ui.job.hidden = false;
  ui.jobTitle.textContent = describe(job);
  ui.condition.hidden = true;
  ui.views.hidden = true;
  ui.agreement.hidden = true;
  ui.viewerWrap.hidden = true;
  ui.downloads.replaceChildren();
  ui.cancel.hidden = false;
  ui.job.scrollIntoView({ behavior: 'smooth', block: 'start' });
  void refreshGallery();
  if (job.state === 'succeeded') return void showResult(job);
  if (job.state === 'failed' || job.state === 'cancelled') return showEnd(job);
  let progress = job.progress;
  let started = job.startedAt ? Date.parse(job.startedAt) : undefined;
  const update = (stage: string | undefined, p: number) => {
    progress = Math.max(progress, p);
    ui.stage.textContent = STAGE_NAMES[stage ?? 'queued'] ?? stage ?? '';
    ui.bar.value = progress;
  };
  const tick = () => {
    if (!started) return (ui.times.textContent = '');
    const elapsed = (Date.now() - started) / 1000;
    const left = progress > 0.05 ? (elapsed * (1 - progress)) / progress : undefined;
    ui.times.textContent = `${seconds(elapsed)}${left !== undefined ? ` · about ${seconds(left)} left` : ''}`;
  };
  update(job.stage, job.progress);
  ticker = window.setInterval(tick, 500);
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    source.close();
    window.clearInterval(ticker);
    const final = await getJob(job.id).catch((err: Error) => {
      showError(err.message);
      return undefined;
    });
    if (!final) return;
    if (final.state === 'succeeded') await showResult(final);
    else showEnd(final);
    void refreshGallery();
  };
  // Read with fetch, not EventSource, so that the API key goes with it. The stream reconnects on its
  // own (with Last-Event-ID); a job that ended while we were away is picked up by asking for it.
  const handlers: Record<string, (d: any) => void> = {
    queued: (d) => (ui.stage.textContent = `${STAGE_NAMES.queued} (position ${d.position})`),
    started: () => (started = Date.now()),
    stage: (d) => update(d.stage, d.progress),
    progress: (d) => update(d.stage, d.progress),
    condition: (d) => void showImage(ui.condition, apiKey() ? d.url : `${d.url}?t=${Date.now()}`),
    views: (d) => void showImage(ui.views, apiKey() ? d.url : `${d.url}?t=${Date.now()}`),
    done: () => void finish(),
    failed: () => void finish(),
    cancelled: () => void finish(),
  };
  const source = openEventStream(job.links.events, {
    headers: authHeaders,
    terminal: ['done', 'failed', 'cancelled'],
    onEvent: (e) => handlers[e.type]?.(e.data),
    onError: (status, message) => {
      if (status === 401) window.dispatchEvent(new Event(NEEDS_KEY_EVENT));
      showError(status === 401 ? keyMessage() : message);
    },
    onDisconnect: () => void getJob(job.id).then((j) => { if (['succeeded', 'failed', 'cancelled'].includes(j.state)) void finish(); }, () => undefined),
  });
  events = source;
  ui.cancel.onclick = async () => {
    ui.cancel.disabled = true;
    try {
      await cancelJob(job.id);
    } catch (err) {
      showError((err as Error).message);
    } finally {
      ui.cancel.disabled = false;
    }
  };
}

function showEnd(job: Job): void {
  ui.cancel.hidden = true;
  ui.bar.value = 0;
  ui.times.textContent = '';
  ui.stage.textContent = job.state === 'cancelled' ? 'Cancelled.' : 'It did not work.';
  if (job.state === 'failed') {
    showError(job.error?.message ?? 'The generation failed.');
    if (job.kind === 'image' && job.error?.code === 'DOUBTFUL_CUTOUT') askForBox(job);
    // What the models imagined, when it got that far.
    ui.views.alt = viewsAlt(job);
    if (job.links.files['condition.png']) void showImage(ui.condition, job.links.files['condition.png']);
    if (job.links.files['views.png']) void showImage(ui.views, job.links.files['views.png']);
  }
}

/** Outputs the job view shows as images, not as download links. */
const SHOWN_ABOVE = ['condition.png', 'input.png', 'views.png'];

/** views.png holds the generated views, or for photos around an object the photos as used. */
const viewsAlt = (job: Job) => (job.kind === 'views' ? 'The photos as used, each above its mask' : 'The six generated views');

async function showResult(job: Job): Promise<void> {
  ui.cancel.hidden = true;
  ui.bar.value = 1;
  const total = job.timings?.total;
  ui.stage.textContent = 'Done';
  ui.times.textContent = total ? `in ${seconds(total)}` : '';
  ui.views.alt = viewsAlt(job);
  showAgreement(job.viewAgreement);
  if (job.links.files['condition.png']) void showImage(ui.condition, job.links.files['condition.png']);
  if (job.links.files['views.png']) void showImage(ui.views, job.links.files['views.png']);
  const glbUrl = job.links.files['model.glb'];
  if (!glbUrl) return;
  ui.viewerWrap.hidden = false;
  viewer ??= new ModelViewer($<HTMLCanvasElement>('viewer'));
  viewer.setMode(ui.mode.value as ViewMode);
  try {
    const res = await authorizedFetch(glbUrl);
    if (!res.ok) throw new Error(`the server answered ${res.status}`);
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const counts = await viewer.load(url);
    URL.revokeObjectURL(url);
    ui.stats.textContent = `${counts.faces.toLocaleString()} faces · ${counts.vertices.toLocaleString()} vertices · GLB ${(blob.size / 1024).toFixed(0)} KB`;
  } catch (err) {
    showError(`The model could not be shown: ${(err as Error).message}`);
  }
  // Every output file the job has, in the registry's order (the images are shown above).
  const downloads = listOutputFiles(Object.keys(job.links.files)).filter(([f]) => !SHOWN_ABOVE.includes(f));
  ui.downloads.replaceChildren(
    ...downloads.map(([f, { label }]) => {
      const a = document.createElement('a');
      a.href = `${job.links.files[f]}?download`;
      a.download = f;
      a.textContent = `Download ${label}`;
      a.addEventListener('click', (e) => {
        if (!apiKey()) return; // a plain link does it
        // A link cannot send the key: fetch the file with it and save that.
        e.preventDefault();
        void authorizedFetch(a.href).then(async (res) => {
          if (!res.ok) throw new Error(`The server answered ${res.status}.`);
          const save = document.createElement('a');
          save.href = URL.createObjectURL(await res.blob());
          save.download = f;
          save.click();
          setTimeout(() => URL.revokeObjectURL(save.href), 60_000);
        }).catch((err: Error) => showError(err.message));
      });
      return a;
    }),
  );
}

/** Each photo's silhouette IoU against the model at its angles; a forced run's warning in red. */
function showAgreement(a: ViewAgreement | undefined): void {
  if (!a) return;
  const list = a.views.map((v, i) => `${v.name} (${v.azimuth}°, ${v.elevation}°) ${v.iou.toFixed(3)}${a.disagreeing.includes(i) ? ' ✗' : ''}`).join(' · ');
  ui.agreement.textContent = `Photos against their angles (silhouette IoU, ${a.threshold} needed): ${list}${a.warning ? `. Warning: ${a.warning}` : ''}`;
  ui.agreement.className = a.warning ? 'error' : 'note';
  ui.agreement.hidden = false;
}
// The images of a job that failed or was deleted meanwhile may be gone: hide them, never show them broken.
for (const img of [ui.condition, ui.views]) {
  img.addEventListener('error', () => {
    img.hidden = true;
    img.removeAttribute('src');
  });
}

ui.mode.addEventListener('change', () => viewer?.setMode(ui.mode.value as ViewMode));
ui.rotate.addEventListener('change', () => viewer?.setAutoRotate(ui.rotate.checked));

// --- Gallery ------------------------------------------------------------------------------------

function galleryItem(job: Job): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.id = job.id;
  li.dataset.state = job.state;
  const open = document.createElement('a');
  open.className = 'open';
  open.href = `/jobs/${job.id}`;
  const thumb = job.links.files['preview.gif'] ?? job.links.files['views.png'];
  if (thumb) {
    const img = document.createElement('img');
    img.alt = `Turntable of ${describe(job)}`;
    img.loading = 'lazy';
    img.hidden = true;
    void showImage(img, thumb);
    open.append(img);
  } else {
    const ph = document.createElement('div');
    ph.className = 'placeholder';
    ph.textContent = job.state;
    open.append(ph);
  }
  const caption = document.createElement('div');
  caption.className = 'caption';
  caption.textContent = describe(job);
  open.append(caption);
  open.addEventListener('click', async (e) => {
    e.preventDefault();
    try {
      openJob(await getJob(job.id));
    } catch (err) {
      showError((err as Error).message);
    }
  });
  const meta = document.createElement('div');
  meta.className = 'meta';
  const when = document.createElement('time');
  when.dateTime = job.createdAt;
  when.textContent = new Date(job.createdAt).toLocaleString();
  const del = document.createElement('button');
  del.type = 'button';
  del.className = 'delete';
  del.textContent = 'Delete';
  del.setAttribute('aria-label', `Delete ${describe(job)}`);
  del.addEventListener('click', async () => {
    try {
      await deleteJob(job.id);
      li.remove();
    } catch (err) {
      showError((err as Error).message);
    }
  });
  meta.append(when, del);
  li.append(open, meta);
  return li;
}

async function refreshGallery(): Promise<void> {
  try {
    const page = await listJobs(0, Math.max(12, galleryOffset));
    ui.gallery.replaceChildren(...page.jobs.map(galleryItem));
    galleryOffset = page.jobs.length;
    ui.more.hidden = !page.next;
  } catch (err) {
    showError((err as Error).message);
  }
}

ui.more.addEventListener('click', async () => {
  try {
    const page = await listJobs(galleryOffset);
    ui.gallery.append(...page.jobs.map(galleryItem));
    galleryOffset += page.jobs.length;
    ui.more.hidden = !page.next;
  } catch (err) {
    showError((err as Error).message);
  }
});

// --- Routing: /jobs/<id> opens that job ----------------------------------------------------------

async function route(): Promise<void> {
  const m = /^\/jobs\/([\w-]+)$/.exec(location.pathname);
  if (!m) {
    ui.job.hidden = true;
    return;
  }
  try {
    openJob(await getJob(m[1]), false);
  } catch (err) {
    showError((err as Error).message);
  }
}

window.addEventListener('popstate', () => void route());
void refreshGallery();
void route();
