import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** `corpus --preview FILE`, either source: writes the contact sheet (making its folder) and prints where. */
export async function writeContactSheetFile(file: string, png: Uint8Array): Promise<void> {
  await mkdir(dirname(resolve(file)), { recursive: true });
  await writeFile(file, png);
  process.stdout.write(`${file}\n`);
}
