// Bundles the web app (web/) into dist/web with esbuild: one script, one stylesheet, the page.
// Everything comes from this repository and node_modules, so the app works offline.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
await mkdir(join(out, 'app'), { recursive: true });
await build({
  entryPoints: [join(root, 'web', 'src', 'main.ts')],
  outfile: join(out, 'app', 'app.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile(join(root, 'web', 'styles.css'), join(out, 'app', 'styles.css'));
await copyFile(join(root, 'web', 'index.html'), join(out, 'index.html'));
