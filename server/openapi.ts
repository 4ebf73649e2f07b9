import { z } from 'zod';
import { KNOWN_OUTPUTS } from '../src/export/formats.js';
import { ErrorSchema, JobOptionsSchema, JobSchema, TextJobRequestSchema } from './schemas.js';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'openapi-3.0', unrepresentable: 'any' });
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const jobResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-z]{8,12}-[0-9a-f]{8}$' } };

/** The OpenAPI 3 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: {
      title: 'kiln API',
      version: '1',
      description: 'Image/text to 3D as jobs: submit, follow progress (JSON or server-sent events), download the outputs. Errors are JSON {"error": {"code", "message"}}. Write requests need `Authorization: Bearer <key>` when the server has KILN_API_KEY; in private mode (kiln serve --private) reads, files, event streams and /metrics need it too.',
    },
    paths: {
      '/api/v1/jobs': {
        post: {
          summary: 'Submit a job',
          description: 'JSON {"prompt", "options"} for text → 3D; multipart/form-data with `image` (one photo) for image → 3D, or `views` (several photos) with `azimuths` (and optionally `elevations`) for photos → 3D. `options` (multipart: a JSON string) as in JobOptions.',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/TextJobRequest' } },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: {
                    image: { type: 'string', format: 'binary' },
                    views: { type: 'array', items: { type: 'string', format: 'binary' } },
                    azimuths: { type: 'string', example: '0,90,180,270' },
                    elevations: { type: 'string', example: '10,10,10,10' },
                    options: { type: 'string', example: '{"seed": 1, "fast": true}' },
                  },
                },
              },
            },
          },
          responses: {
            202: jobResponse('Accepted: the job is queued. `Location` is its URL. A photo whose cut-out kiln doubts fails its job with error code DOUBTFUL_CUTOUT (the message names the reasons; send a `box`, or `force`).'),
            400: errorResponse('Invalid request: a wrong field or type, an empty prompt or file, control characters in the prompt, a malformed multipart body, more than one image or 12 views, view angles out of range'),
            401: errorResponse('Missing or wrong API key'),
            413: errorResponse('Upload or image too large'),
            415: errorResponse('UNSUPPORTED_MEDIA_TYPE: not JSON or multipart, a charset other than UTF-8, or the file is not an image'),
            422: errorResponse('UNKNOWN_WORDS: the prompt names no object the model knows (the message names the words not understood and gives examples; GET /api/v1/vocabulary lists every object)'),
            429: errorResponse('Queue full or too many requests; see Retry-After'),
            503: errorResponse('DISK_FULL: disk nearly full; STORAGE_UNAVAILABLE: the data folder cannot be written'),
          },
        },
        get: {
          summary: 'List jobs, newest first',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          ],
          responses: { 200: { description: '{ jobs, total, limit, offset, next }' }, 400: errorResponse('Bad paging parameters'), 401: errorResponse('Private mode: missing or wrong API key') },
        },
      },
      '/api/v1/jobs/{id}': {
        get: { summary: 'A job: state, stage, progress, timings, outputs', parameters: [idParam], responses: { 200: jobResponse('The job'), 400: errorResponse('Malformed id'), 404: errorResponse('No such job') } },
        delete: { summary: 'Delete a job and its files', parameters: [idParam], responses: { 204: { description: 'Deleted' }, 404: errorResponse('No such job'), 409: errorResponse('Running: cancel it first') } },
      },
      '/api/v1/jobs/{id}/events': {
        get: {
          summary: 'Server-sent events: queued, started, stage, progress, condition (text → 3D: the image drawn from the prompt is at data.url), views (the generated views are at data.url), done, failed, cancelled',
          description: 'Each event has an id; reconnect with Last-Event-ID to resume after it. The stream ends after done, failed or cancelled; the stream of a finished job always ends with that event, whatever Last-Event-ID says.',
          parameters: [idParam],
          responses: { 200: { description: 'text/event-stream' }, 404: errorResponse('No such job') },
        },
      },
      '/api/v1/jobs/{id}/files/{name}': {
        get: {
          summary: `An output file (${KNOWN_OUTPUTS.join(', ')}; model-1.png, model-2.png, … for an OBJ's further textures)`,
          parameters: [idParam, { name: 'name', in: 'path', required: true, schema: { type: 'string' } }, { name: 'download', in: 'query', schema: { type: 'string' } }],
          responses: { 200: { description: 'The file' }, 404: errorResponse('No such job or file, or the job has not succeeded') },
        },
      },
      '/api/v1/jobs/{id}/cancel': {
        post: { summary: 'Cancel a queued or running job', parameters: [idParam], responses: { 202: jobResponse('Cancelling'), 404: errorResponse('No such job'), 409: errorResponse('Already finished') } },
      },
      '/api/v1/vocabulary': {
        get: {
          summary: 'What the model can read in a prompt: every object it knows (English, Chinese, family) and the colours',
          description: 'A text job is refused with 422 UNKNOWN_WORDS unless its prompt names one of these objects, in English ("a red wooden chair") or Chinese ("一把红色的椅子"). Other words the model does not know are ignored. Body: {"model", "objects": [{"name", "en", "zh", "group"}], "colors": [{"en", "zh"}]}.',
          responses: { 200: { description: '{ model, objects, colors } (open in private mode too, like these docs)' } },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'ok' } } } },
      '/readyz': { get: { summary: 'Readiness: the model is loaded in every worker and the data folder can be written', responses: { 200: { description: 'ready' }, 503: errorResponse('NOT_READY: loading; STORAGE_UNAVAILABLE: the data folder cannot be written') } } },
      '/metrics': { get: { summary: 'Prometheus metrics (private mode: needs the API key)', responses: { 200: { description: 'text/plain' }, 401: errorResponse('Private mode: missing or wrong API key') } } },
    },
    components: {
      schemas: {
        Job: schema(JobSchema),
        JobOptions: schema(JobOptionsSchema),
        TextJobRequest: schema(TextJobRequestSchema),
        Error: schema(ErrorSchema),
      },
    },
  };
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A readable, dependency-free HTML page of the OpenAPI document. */
export function apiDocsPage(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<string, Record<string, { summary: string; description?: string; responses: Record<string, { description: string }> }>>;
  const rows = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => `<section><h2><code>${method.toUpperCase()} ${escape(path)}</code></h2><p>${escape(op.summary)}</p>${op.description ? `<p>${escape(op.description)}</p>` : ''}<ul>${Object.entries(op.responses).map(([code, r]) => `<li><b>${code}</b> ${escape(r.description)}</li>`).join('')}</ul></section>`),
  );
  const info = doc.info as { title: string; description: string };
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .3em}section{border-top:1px solid #ddd}</style>
<h1>${escape(info.title)}</h1><p>${escape(info.description)}</p><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a>. Schemas (Job, JobOptions, Error) are in its components.</p>${rows.join('\n')}</html>`;
}
