import { describe, expect, test } from '@jest/globals';
import { createRng } from '../../src/core/rng.js';
import { DEFAULT_LIGHTING } from '../../src/render/render-mesh.js';
import { generateObject } from '../../src/synth/generate-object.js';
import { makeComposite, compositeSeed, type CompositeObject } from '../../src/synth/segmentation-composites.js';
import { ROOM_RANGES, renderRoom } from '../../src/synth/segmentation-rooms.js';

const objects: CompositeObject[] = [5, 6, 7].map((seed) => ({ id: `procedural:test:${seed}`, mesh: generateObject(seed, { tile: 32 }).mesh }));

/** Mask pixels (≥ ½) on the frame's edge. */
function borderPixels(mask: Uint8Array, R: number): number {
  let n = 0;
  for (let k = 0; k < R; k++) for (const i of [k, (R - 1) * R + k, k * R, k * R + R - 1]) if (mask[i] >= 128) n++;
  return n;
}

describe('room backgrounds', () => {
  test('are deterministic, fill the whole frame, and stand their furniture in the room', () => {
    const a = renderRoom(64, createRng(3), objects, DEFAULT_LIGHTING);
    const b = renderRoom(64, createRng(3), objects, DEFAULT_LIGHTING);
    expect(Buffer.from(a.rgb.buffer).equals(Buffer.from(b.rgb.buffer))).toBe(true);
    expect(a.record).toEqual(b.record);
    // Floor, ceiling and walls enclose the eye: no pixel is left empty.
    for (let i = 0; i < 64 * 64; i++) expect(a.rgb[i * 3] + a.rgb[i * 3 + 1] + a.rgb[i * 3 + 2]).toBeGreaterThan(0);
    const [W, D] = a.record.size;
    expect(a.record.furniture.length).toBeGreaterThanOrEqual(ROOM_RANGES.furniture[0]);
    expect(a.record.furniture.length).toBeLessThanOrEqual(ROOM_RANGES.furniture[1]);
    for (const f of a.record.furniture) {
      expect(objects.map((o) => o.id)).toContain(f.id);
      expect(Math.abs(f.at[0])).toBeLessThanOrEqual(W / 2);
      expect(Math.abs(f.at[1])).toBeLessThanOrEqual(D / 2);
    }
    // The furniture shows: the same room without any differs.
    const empty = renderRoom(64, createRng(3), [], DEFAULT_LIGHTING);
    expect(empty.record.furniture).toEqual([]);
    let changed = 0;
    for (let i = 0; i < a.rgb.length; i++) if (Math.abs(a.rgb[i] - empty.rgb[i]) > 0.02) changed++;
    expect(changed).toBeGreaterThan(0);
  });

  test('composites draw rooms only when asked, and then record what stands in them', async () => {
    const base = { resolution: 64, target: objects[0], distractors: objects.slice(1), backgrounds: [], photoShare: 0 };
    const kinds = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const without = await makeComposite({ ...base, seed: compositeSeed(9, 'train', i) });
      const zero = await makeComposite({ ...base, roomShare: 0, seed: compositeSeed(9, 'train', i) });
      // roomShare 0 draws nothing extra: corpora written before rooms existed stay the same bytes.
      expect(Buffer.from(zero.image).equals(Buffer.from(without.image))).toBe(true);
      expect(without.record.background.kind).not.toBe('room');
      const room = await makeComposite({ ...base, roomShare: 1, seed: compositeSeed(9, 'train', i) });
      kinds.add(room.record.background.kind);
      if (room.record.background.kind === 'room') for (const f of room.record.background.furniture) expect(f.id).not.toBe(objects[0].id);
    }
    expect([...kinds]).toEqual(['room']);
  });
});

describe('composite framing', () => {
  test('targetCut sets how often the frame cuts the target', async () => {
    const base = { resolution: 64, target: objects[0], distractors: [], backgrounds: [], photoShare: 0 };
    let cutAlways = 0, cutNever = 0;
    for (let i = 0; i < 12; i++) {
      if (borderPixels((await makeComposite({ ...base, targetCut: 1, seed: compositeSeed(4, 'train', i) })).mask, 64) > 0) cutAlways++;
      if (borderPixels((await makeComposite({ ...base, targetCut: 0, seed: compositeSeed(4, 'train', i) })).mask, 64) > 0) cutNever++;
    }
    expect(cutAlways).toBeGreaterThan(cutNever + 2);
  });
});
