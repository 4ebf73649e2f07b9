/** The job API as the page uses it; errors become `Error`s whose message is the server's, for people. */

// The types come from the server's own schemas, so the page cannot drift from what the API
// accepts and answers; these imports are types only and add nothing to the bundle.
import type { GenerationRequest } from '../../src/pipeline/generation-request.js';
import type { PublicJob } from '../../server/schemas.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../../src/export/formats.js';
import { apiKey, authHeaders } from './api-key.js';

export type Job = PublicJob;

/** A job's options: the shared generation request (seed, steps, cfg, cfgScale, faces…; force, supportPlane for photos). */
export type JobOptions = GenerationRequest;

/** Views jobs: each photo's silhouette IoU against the model at its angles (as in report.json). */
export type { ViewAgreement } from '../../src/pipeline/generation-report.js';

/** Fired on `window` when the server refuses a request for want of the right API key. */
export const NEEDS_KEY_EVENT = 'kiln:needs-key';

/** What the page says for a 401: where to put the key, not which header to send. */
export function keyMessage(): string {
  return apiKey() ? 'The server refused this API key. Check it under “API key” above.' : 'This server needs its API key: enter it under “API key” above.';
}

/** fetch with the stored API key; a 401 becomes an `Error` that says where the key goes. */
export async function authorizedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) } });
  } catch {
    throw new Error('The server cannot be reached. Is it running?');
  }
  if (res.status === 401) {
    window.dispatchEvent(new Event(NEEDS_KEY_EVENT));
    throw new Error(keyMessage());
  }
  return res;
}

/** The server's refusal: its sentence as the message, and its stable code for the page to act on. */
export class ApiRequestError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await authorizedFetch(url, init);
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiRequestError(body?.error?.message ?? `The server answered ${res.status}.`, body?.error?.code);
  return body as T;
}

/**
 * A URL an <img> or a download link can use for one of a job's files. Without a key, the file's own
 * URL; with one, the file fetched with the key into a blob: URL (an <img> cannot send headers),
 * which the caller revokes when done.
 */
export async function fileUrl(url: string): Promise<string> {
  if (!apiKey()) return url;
  const res = await authorizedFetch(url);
  if (!res.ok) throw new Error(`The server answered ${res.status}.`);
  return URL.createObjectURL(await res.blob());
}

/** The page asks for every format, so each has a download link. */
export const ALL_FORMATS: OutputFormat[] = [...OUTPUT_FORMATS];

export function submitImage(file: Blob, name: string, options: JobOptions): Promise<Job> {
  const form = new FormData();
  form.append('image', file, name);
  form.append('options', JSON.stringify({ ...options, formats: ALL_FORMATS }));
  return call('/api/v1/jobs', { method: 'POST', body: form });
}

/** Photos around an object with their angles (comma-separated degrees, one per photo). */
export function submitViews(files: File[], azimuths: string, elevations: string, options: JobOptions): Promise<Job> {
  const form = new FormData();
  for (const f of files) form.append('views', f, f.name);
  form.append('azimuths', azimuths);
  if (elevations) form.append('elevations', elevations);
  form.append('options', JSON.stringify({ ...options, formats: ALL_FORMATS }));
  return call('/api/v1/jobs', { method: 'POST', body: form });
}

export function submitPrompt(prompt: string, options: JobOptions): Promise<Job> {
  return call('/api/v1/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, options: { ...options, formats: ALL_FORMATS } }) });
}

/** What the served model can read in a prompt: the objects it knows (a prompt must name one) and the colours. */
export interface Vocabulary {
  model: string;
  objects: { name: string; en: string; zh: string; group: string }[];
  colors: { en: string; zh: string }[];
}
export const getVocabulary = () => call<Vocabulary>('/api/v1/vocabulary');

export const getJob = (id: string) => call<Job>(`/api/v1/jobs/${encodeURIComponent(id)}`);
export const listJobs = (offset: number, limit = 12) => call<{ jobs: Job[]; total: number; next: string | null }>(`/api/v1/jobs?limit=${limit}&offset=${offset}`);
export const cancelJob = (id: string) => call<Job>(`/api/v1/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
export const deleteJob = (id: string) => call<void>(`/api/v1/jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });
