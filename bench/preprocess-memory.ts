/**
 * Peak memory of decoding and preprocessing a very large photo. Writes a 6300×6300 JPEG and PNG (a
 * textured object on a plain backdrop, so background removal accepts it), then decodes and
 * preprocesses each in a fresh process and reports that process's peak RSS
 * (`process.resourceUsage().maxRSS`): once decoded downscaled (`readImage`'s `maxSide`, as the CLI
 * and the server read photos) and cut as they cut it (`preprocessPhoto`, with the installed
 * segmentation network checking the border model's cut: its session and its mattes at the photo's
 * resolution count) and once more with a box drawn around the object (the network-seeded graph cut),
 * and once at full size with the border model alone (how photos were read before there was a
 * network), for comparison.
 *
 *   npm run -s build && node dist/bench/preprocess-memory.js [--side 6300] [--json]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { Command } from 'commander';
import { readImage } from '../src/core/image.js';
import { describeError } from '../src/core/errors.js';
import { PREPROCESS_DEFAULTS, preprocessImage, preprocessPhoto } from '../src/preprocess/preprocess-image.js';
import { installedSegmentationNetwork } from '../src/preprocess/segment-network.js';
import { printTable, writeResults } from './harness.js';

interface Row {
  file: string;
  decode: string;
  decodedSize: string;
  matte: string;
  peakRssMB: number;
  ms: number;
}

type Mode = 'full' | 'downscaled' | 'box';

/** Around the object {@link writePhotos} draws, with some backdrop. */
const BOX = { x: 0.22, y: 0.2, width: 0.56, height: 0.7 };

/** The measured run, in its own process so that its peak RSS is its own. */
async function child(path: string, mode: Mode): Promise<void> {
  const t = performance.now();
  const segmenter = mode === 'full' ? undefined : await installedSegmentationNetwork();
  const image = await readImage(path, mode === 'full' ? {} : { maxSide: PREPROCESS_DEFAULTS.maxSide });
  // `full` is the old path: decoded at full size and segmented at full size (no shrinking first).
  const p = mode === 'full' ? preprocessImage(image, { size: 64, maxSide: 100_000 }) : await preprocessPhoto(image, { size: 64, segmenter, ...(mode === 'box' ? { box: BOX } : {}) });
  const ms = Math.round(performance.now() - t);
  const decode = mode === 'full' ? 'full size, border model only (before)' : `maxSide ${PREPROCESS_DEFAULTS.maxSide}, ${segmenter ? 'with the network' : 'no network installed'}${mode === 'box' ? ', a box' : ''}`;
  console.log(JSON.stringify({ decode, decodedSize: `${image.width}×${image.height}`, matte: p.matte, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), ms }));
}

/** A `side`² photo: a grey backdrop with a textured red-and-blue object in the middle third. */
async function writePhotos(dir: string, side: number): Promise<string[]> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}">
    <defs><pattern id="p" width="${side / 60}" height="${side / 60}" patternUnits="userSpaceOnUse">
      <rect width="${side / 60}" height="${side / 60}" fill="#b8202a"/><circle cx="${side / 120}" cy="${side / 120}" r="${side / 200}" fill="#2040a0"/></pattern></defs>
    <rect width="${side}" height="${side}" fill="#d8d8d4"/>
    <ellipse cx="${side / 2}" cy="${side * 0.55}" rx="${side * 0.22}" ry="${side * 0.3}" fill="url(#p)"/>
  </svg>`;
  const base = sharp(Buffer.from(svg), { limitInputPixels: false }).flatten({ background: '#d8d8d4' });
  const jpg = join(dir, `photo-${side}.jpg`), png = join(dir, `photo-${side}.png`);
  await base.clone().jpeg({ quality: 90 }).toFile(jpg);
  await base.clone().png({ compressionLevel: 1 }).toFile(png);
  return [jpg, png];
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4] as Mode);
  const opts = new Command('bench-preprocess-memory').option('--side <px>', 'photo side', '6300').option('--json', 'print rows as JSON').parse(process.argv).opts<{ side: string; json?: boolean }>();
  const side = Number(opts.side);
  const dir = mkdtempSync(join(tmpdir(), 'kiln-mem-'));
  try {
    const rows: Row[] = [];
    for (const path of await writePhotos(dir, side)) {
      for (const mode of ['full', 'downscaled', 'box'] as const) {
        const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', path, mode], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const r = JSON.parse(out.trim().split('\n').pop()!) as Omit<Row, 'file'>;
        rows.push({ file: `${side}×${side} ${path.endsWith('.png') ? 'PNG' : 'JPEG'}`, ...r });
      }
    }
    if (opts.json) console.log(JSON.stringify(rows, null, 2));
    else printTable(rows as unknown as Record<string, string | number>[]);
    console.log(`\nresults: ${writeResults('preprocess-memory', rows)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench-preprocess-memory: ${describeError(err)}`);
  process.exit(1);
});
