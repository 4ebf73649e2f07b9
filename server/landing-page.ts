/** What `/` shows until the web app exists: what this is, and how to use the API from a terminal. */
export function landingPage(model: { name: string } | undefined): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>kiln</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}pre{background:#f3f3f3;padding:.8rem;overflow:auto}</style>
<h1>kiln</h1>
<p>Image/text to 3D. This server runs generations as jobs; the browser app is not part of this version, so use the API:
<a href="/api/docs">API docs</a> · <a href="/api/openapi.json">OpenAPI</a> · <a href="/api/v1/jobs">jobs</a> · <a href="/metrics">metrics</a>.</p>
<p>Model: ${model ? model.name.replace(/[<>&"]/g, '') : 'loading…'} — small, trained on kiln's procedural world (furniture, vessels, plants, vehicles, toys); expect rough, recognisable shapes in the right colours.</p>
<pre>curl -F image=@photo.jpg ${'$'}HOST/api/v1/jobs                                   # photo → 3D
curl -H 'content-type: application/json' -d '{"prompt":"a red mug"}' ${'$'}HOST/api/v1/jobs   # text → 3D
curl -N ${'$'}HOST/api/v1/jobs/ID/events                                           # live progress
curl -O ${'$'}HOST/api/v1/jobs/ID/files/model.glb                                  # the model</pre>
</html>`;
}
