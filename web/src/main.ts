import { GUIDANCE_PRESETS, type GuidancePresetName } from '../../src/diffusion/guidance.js';
import { listOutputFiles } from '../../src/export/formats.js';
import { cancelJob, deleteJob, getJob, listJobs, submitImage, submitPrompt, type Job, type JobOptions } from './api.js';
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
  views: $<HTMLImageElement>('views'),
  viewerWrap: $('viewer-wrap'),
  mode: $<HTMLSelectElement>('mode'),
  rotate: $<HTMLInputElement>('rotate'),
  stats: $('stats'),
  downloads: $('downloads'),
  gallery: $<HTMLUListElement>('gallery-list'),
  more: $<HTMLButtonElement>('more'),
};

let chosen: File | undefined;
let events: EventSource | undefined;
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

// --- Create: photo (drop, pick, paste) or prompt -------------------------------------------------

function choose(file: File | undefined): void {
  if (!file) return;
  if (!file.type.startsWith('image/')) {
    showError(`${file.name || 'That file'} is not an image. Choose a PNG, JPEG or WebP photo.`);
    return;
  }
  showError(undefined);
  chosen = file;
  ui.dropPreview.src = URL.createObjectURL(file);
  ui.dropPreview.alt = `Preview of ${file.name || 'the pasted image'}`;
  ui.dropPreview.hidden = false;
  ui.dropText.textContent = file.name || 'pasted image';
  ui.imageSubmit.disabled = false;
}

ui.file.addEventListener('change', () => choose(ui.file.files?.[0]));
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
  choose(e.dataTransfer?.files[0]);
});
document.addEventListener('paste', (e) => {
  const item = [...(e.clipboardData?.items ?? [])].find((i) => i.type.startsWith('image/'));
  if (item) choose(item.getAsFile() ?? undefined);
});

ui.imageForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!chosen) return;
  showError(undefined);
  ui.imageSubmit.disabled = true;
  try {
    openJob(await submitImage(chosen, chosen.name || 'pasted.png', options()));
  } catch (err) {
    showError((err as Error).message);
  } finally {
    ui.imageSubmit.disabled = false;
  }
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
    showError((err as Error).message);
  }
});

for (const chip of document.querySelectorAll<HTMLButtonElement>('.chip')) {
  chip.addEventListener('click', () => {
    ui.prompt.value = chip.textContent ?? '';
    ui.textForm.requestSubmit();
  });
}

// --- A job: live progress, the views as soon as they exist, then the model -------------------------

const STAGE_NAMES: Record<string, string> = {
  queued: 'Waiting in the queue',
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
  ui.views.hidden = true;
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
  const source = new EventSource(job.links.events);
  events = source;
  const on = (type: string, f: (data: any) => void) => source.addEventListener(type, (e) => f(JSON.parse((e as MessageEvent).data)));
  on('queued', (d) => (ui.stage.textContent = `${STAGE_NAMES.queued} (position ${d.position})`));
  on('started', () => (started = Date.now()));
  on('stage', (d) => update(d.stage, d.progress));
  on('progress', (d) => update(d.stage, d.progress));
  on('views', (d) => {
    ui.views.src = `${d.url}?t=${Date.now()}`;
    ui.views.hidden = false;
  });
  const finish = async () => {
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
  for (const type of ['done', 'failed', 'cancelled']) source.addEventListener(type, () => void finish());
  source.onerror = () => {
    // The browser reconnects on its own (with Last-Event-ID); a job that ended while we were away is
    // picked up by asking for it.
    void getJob(job.id).then((j) => { if (['succeeded', 'failed', 'cancelled'].includes(j.state)) void finish(); }, () => undefined);
  };
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
  if (job.state === 'failed') showError(job.error?.message ?? 'The generation failed.');
}

async function showResult(job: Job): Promise<void> {
  ui.cancel.hidden = true;
  ui.bar.value = 1;
  const total = job.timings?.total;
  ui.stage.textContent = 'Done';
  ui.times.textContent = total ? `in ${seconds(total)}` : '';
  if (job.links.files['views.png']) {
    ui.views.src = job.links.files['views.png'];
    ui.views.hidden = false;
  }
  const glbUrl = job.links.files['model.glb'];
  if (!glbUrl) return;
  ui.viewerWrap.hidden = false;
  viewer ??= new ModelViewer($<HTMLCanvasElement>('viewer'));
  viewer.setMode(ui.mode.value as ViewMode);
  try {
    const blob = await (await fetch(glbUrl)).blob();
    const url = URL.createObjectURL(blob);
    const counts = await viewer.load(url);
    URL.revokeObjectURL(url);
    ui.stats.textContent = `${counts.faces.toLocaleString()} faces · ${counts.vertices.toLocaleString()} vertices · GLB ${(blob.size / 1024).toFixed(0)} KB`;
  } catch (err) {
    showError(`The model could not be shown: ${(err as Error).message}`);
  }
  // Every output file the job has, in the registry's order (the inputs and views are shown above).
  const downloads = listOutputFiles(Object.keys(job.links.files)).filter(([f]) => f !== 'input.png' && f !== 'views.png');
  ui.downloads.replaceChildren(
    ...downloads.map(([f, { label }]) => {
      const a = document.createElement('a');
      a.href = `${job.links.files[f]}?download`;
      a.download = f;
      a.textContent = `Download ${label}`;
      return a;
    }),
  );
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
    img.src = thumb;
    img.alt = `Turntable of ${describe(job)}`;
    img.loading = 'lazy';
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
