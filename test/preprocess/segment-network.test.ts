import { describe, expect, jest, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createImage, type RasterImage } from '../../src/core/image.js';
import { createRng } from '../../src/core/rng.js';
import { assessCut } from '../../src/preprocess/cut-confidence.js';
import { grabCut } from '../../src/preprocess/grab-cut.js';
import { edgeCertainty, networkCut } from '../../src/preprocess/network-cut.js';
import { preprocessImage, preprocessPhoto } from '../../src/preprocess/preprocess-image.js';
import { loadSegmentationManifest, loadSegmentationNetwork, mirrorPlanes, networkInput, networkInputSize, segmentationModelDir, type SegmentationNetwork } from '../../src/preprocess/segment-network.js';
import { tempDir } from '../helpers/paths.js';
import { tinySaliencyModel } from '../helpers/tiny-onnx.js';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** A model folder around ONNX bytes, with the manifest the exporter writes. */
function modelFolder(onnxBytes: Uint8Array, size = 256): string {
  const dir = join(tempDir(), 'kiln-seg');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'network.onnx'), onnxBytes);
  const credits = '# Credits\n';
  writeFileSync(join(dir, 'CREDITS.md'), credits);
  const manifest = {
    format: 'kiln-seg-model/1',
    name: 'kiln-seg',
    description: 'a stand-in: bright is object',
    kind: 'salient-segmentation',
    files: { network: { path: 'network.onnx', sha256: sha(onnxBytes), bytes: onnxBytes.length }, credits: { path: 'CREDITS.md', sha256: sha(credits), bytes: credits.length } },
    io: { input: { name: 'image', type: 'float32', shape: ['batch', 3, 'height', 'width'] }, output: { name: 'logits', type: 'float32', shape: ['batch', 1, 'height', 'width'] } },
    input: { size, multiple: 32, channels: 'RGB', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    output: { activation: 'sigmoid', threshold: 0.5 },
    probe: { size: 256, indices: [0], logits: [0], mean: 0, absMean: 0 },
    training: {},
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

/** A 300×200 photo: a light disc (the object) over a dark backdrop, plain or cluttered, and its true mask. */
function discPhoto(clutter: boolean, seed = 3): { image: RasterImage; truth: Uint8Array } {
  const W = 300, H = 200, rng = createRng(seed);
  const image = createImage(W, H, 3);
  const truth = new Uint8Array(W * H);
  // Clutter: dark blocks of random colours (dark enough that the stand-in network calls them background).
  const blocks = Array.from({ length: 40 }, () => ({ x: rng.range(0, W), y: rng.range(0, H), w: rng.range(10, 60), h: rng.range(10, 60), c: [rng.range(0, 0.35), rng.range(0, 0.35), rng.range(0, 0.35)] }));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      let c = [0.15, 0.16, 0.2];
      if (clutter) for (const b of blocks) if (x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h) c = b.c;
      if ((x + 0.5 - 160) ** 2 + (y + 0.5 - 95) ** 2 <= 62 * 62) {
        c = [0.92, 0.86, 0.78];
        truth[i] = 1;
      }
      for (let k = 0; k < 3; k++) image.data[i * 3 + k] = Math.min(1, Math.max(0, c[k] + rng.normal() * 0.01));
    }
  }
  return { image, truth };
}

/** IoU of a cut against the true mask: the cut's last channel (an RGBA's alpha, a one-channel matte) at ≥ 0.5. */
function iou(truth: Uint8Array, cut: RasterImage): number {
  let i = 0, u = 0;
  for (let k = 0; k < truth.length; k++) {
    const a = cut.data[k * cut.channels + cut.channels - 1] >= 0.5, t = truth[k] === 1;
    if (a && t) i++;
    if (a || t) u++;
  }
  return i / u;
}

describe('segmentation network plumbing (a stand-in model built in code)', () => {
  test('input size keeps the aspect up to the multiple; normalisation follows the manifest', () => {
    expect(networkInputSize(300, 200, 256, 32)).toEqual({ width: 256, height: 160 });
    expect(networkInputSize(200, 600, 256, 32)).toEqual({ width: 96, height: 256 });
    expect(networkInputSize(2000, 20, 256, 32)).toEqual({ width: 256, height: 32 });
    const im = createImage(4, 2, 3, [1, 0.5, 0]);
    const x = networkInput(im, 2, 2, { size: 256, multiple: 32, channels: 'RGB', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    expect(Array.from(x.slice(0, 4))).toEqual([2, 2, 2, 2]); // red plane: (1 − 0.5) / 0.25
    expect(x[4]).toBeCloseTo((128 / 255 - 0.5) / 0.25, 6); // 0.5 quantised to 8 bits, as training saw it
    expect(x[8]).toBeCloseTo(-2, 6);
  });

  test('mirrorPlanes reverses each row of each plane, and twice is the identity', () => {
    const planes = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i); // 2 planes of 3×2
    expect(Array.from(mirrorPlanes(planes, 3, 2))).toEqual([2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9]);
    expect(mirrorPlanes(mirrorPlanes(planes, 3, 2), 3, 2)).toEqual(planes);
    expect(() => mirrorPlanes(planes, 5, 2)).toThrow(/not planes of 5×2/);
  });

  test('the manifest is checked: a replaced network file is refused', async () => {
    const dir = modelFolder(tinySaliencyModel(4));
    await expect(loadSegmentationManifest(dir)).resolves.toMatchObject({ kind: 'salient-segmentation' });
    writeFileSync(join(dir, 'network.onnx'), tinySaliencyModel(5));
    await expect(loadSegmentationManifest(dir)).rejects.toThrow(/sha256/);
  });

  test('predict → networkCut → guided filter: the object at full resolution, judged confident', async () => {
    const net = await loadSegmentationNetwork(modelFolder(tinySaliencyModel(4)), { threads: 1 });
    const { image, truth } = discPhoto(true);
    const s = await net.predict(image);
    expect([s.width, s.height]).toEqual([256, 160]);
    const cut = networkCut(image, s);
    expect(cut.image.width).toBe(300);
    expect(iou(truth, cut.image)).toBeGreaterThan(0.97);
    const verdict = assessCut(cut.evidence);
    expect(verdict.method).toBe('network');
    expect(verdict.doubts).toEqual([]);
    await net.dispose();
  });

  test('edge certainty: a crisp map is sure, a blurred one is not, and the check says so', () => {
    const w = 64, h = 64, obj = new Uint8Array(w * h);
    for (let y = 16; y < 48; y++) for (let x = 16; x < 48; x++) obj[y * w + x] = 1;
    const crisp = Float32Array.from(obj, (v) => (v ? 0.99 : 0.01));
    const vague = Float32Array.from(obj, (v) => (v ? 0.6 : 0.4));
    expect(edgeCertainty(crisp, obj, w, h, 3, 5)).toBeGreaterThan(0.95);
    expect(edgeCertainty(vague, obj, w, h, 3, 5)).toBeCloseTo(0.2, 5);
    const verdict = assessCut({ method: 'network', mask: obj, width: w, height: h, frame: [0, 0, w, h], separation: 0.2 });
    expect(verdict.doubts.join(' ')).toMatch(/the segmentation network is unsure where the object ends/);
  });

  test('preprocessPhoto keeps the border model on a plain backdrop (the network agrees), and an alpha as it is (the network not asked)', async () => {
    const net = await loadSegmentationNetwork(modelFolder(tinySaliencyModel(4)), { threads: 1 });
    const predict = jest.spyOn(net, 'predict');
    const plain = await preprocessPhoto(discPhoto(false).image, { size: 32, segmenter: net });
    expect(plain.matte).toBe('background-removal');
    expect(plain.photoMatte).toBeUndefined();
    expect(predict).toHaveBeenCalledTimes(1);
    predict.mockClear();
    const alpha = createImage(40, 40, 4);
    for (let y = 10; y < 30; y++) for (let x = 10; x < 30; x++) alpha.data.set([1, 0, 0, 1], (y * 40 + x) * 4);
    expect((await preprocessPhoto(alpha, { size: 32, segmenter: net })).matte).toBe('alpha');
    expect(predict).not.toHaveBeenCalled();
    await net.dispose();
  });

  test('preprocessPhoto: a trusted border cut that the network contradicts gives way to the network\'s cut, or is refused when the network is unsure too', async () => {
    // A dark disc (the object) on a light, plain backdrop, touching a bright orange patch: the border
    // model keeps the patch (it is unlike the backdrop), the stand-in network (dark is object) does not.
    const W = 240, H = 160, image = createImage(W, H, 3), truth = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const disc = (x - 100) ** 2 + (y - 80) ** 2 <= 40 * 40, patch = !disc && ((x - 150) / 45) ** 2 + ((y - 110) / 18) ** 2 <= 1;
        truth[y * W + x] = disc ? 1 : 0;
        image.data.set(disc ? [0.15, 0.15, 0.15] : patch ? [1, 0.75, 0.2] : [0.88, 0.88, 0.88], (y * W + x) * 3);
      }
    }
    const border = preprocessImage(image, { size: 32, keepPhotoMatte: true });
    expect(border.cut?.doubts).toEqual([]); // trusted on its own …
    expect(iou(truth, border.photoMatte!)).toBeLessThan(0.8); // … but it kept the patch
    const net = await loadSegmentationNetwork(modelFolder(tinySaliencyModel(-12)), { threads: 1 });
    const p = await preprocessPhoto(image, { size: 32, segmenter: net, keepPhotoMatte: true });
    expect(p.matte).toBe('network');
    expect(iou(truth, p.photoMatte!)).toBeGreaterThan(0.95);
    await net.dispose();
    // A network unsure of its own cut (a weak gain: probabilities near ½ at the edge) that contradicts
    // the border model: neither cut is trusted, so the photo is refused; forced, the border cut is kept
    // with the doubt.
    const unsure = await loadSegmentationNetwork(modelFolder(tinySaliencyModel(-1.5)), { threads: 1 });
    await expect(preprocessPhoto(image, { size: 32, segmenter: unsure })).rejects.toThrow(/the border model's cut and the segmentation network's overlap by only \d+ % \(under 90 %\), and the network doubts its own cut \(the segmentation network is unsure where the object ends.*draw a box around the object/);
    const forced = await preprocessPhoto(image, { size: 32, segmenter: unsure, force: true });
    expect(forced.matte).toBe('background-removal');
    expect(forced.cut?.doubts).toEqual([expect.stringMatching(/overlap by only/)]);
    await unsure.dispose();
  });

  test('preprocessPhoto: where the border model is refused (clutter), the network cuts; without a network the refusal stands', async () => {
    const { image, truth } = discPhoto(true);
    expect(() => preprocessImage(image, { size: 32 })).toThrow(/the cut-out is doubtful/);
    const net: SegmentationNetwork = await loadSegmentationNetwork(modelFolder(tinySaliencyModel(4)), { threads: 1 });
    const p = await preprocessPhoto(image, { size: 32, cutoutSize: 300, margin: 1, segmenter: net });
    expect(p.matte).toBe('network');
    expect(p.cut?.method).toBe('network');
    expect(p.cut?.doubts).toEqual([]);
    expect(p.coverage).toBeCloseTo(truth.reduce((a, b) => a + b, 0) / truth.length, 2);
    await expect(preprocessPhoto(image, { size: 32 })).rejects.toThrow(/the cut-out is doubtful/);
    await net.dispose();
  });

  test('preprocessPhoto: a network that marks nothing leaves the border model\'s refusal standing, word for word; forced, that cut is kept', async () => {
    const { image } = discPhoto(true);
    const blind = await loadSegmentationNetwork(modelFolder(tinySaliencyModel(0, -10)), { threads: 1 }); // background everywhere
    const refusal = await preprocessPhoto(image, { size: 32, segmenter: blind }).catch((err: unknown) => err);
    expect(refusal).toMatchObject({ code: 'DOUBTFUL_CUTOUT' });
    // The same refusal, word for word, as without a network.
    const withoutNetwork = (() => {
      try {
        preprocessImage(image, { size: 32 });
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(withoutNetwork).toMatch(/the cut-out is doubtful/);
    expect((refusal as Error).message).toBe(withoutNetwork);
    const forced = await preprocessPhoto(image, { size: 32, segmenter: blind, force: true });
    expect(forced.matte).toBe('background-removal');
    expect(forced.cut?.doubts).toEqual(preprocessImage(image, { size: 32, force: true }).cut?.doubts);
    await blind.dispose();
  });

  test('with a box, preprocessPhoto asks the network about the box; a network that sees nothing there leaves the cut to colour', async () => {
    const { image, truth } = discPhoto(true);
    const box = { x: 80 / 300, y: 20 / 200, width: 160 / 300, height: 150 / 200 };
    const net = await loadSegmentationNetwork(modelFolder(tinySaliencyModel(4)), { threads: 1 });
    const seen: Array<[number, number]> = [];
    const predict = net.predict.bind(net);
    net.predict = async (im, signal) => {
      seen.push([im.width, im.height]);
      return predict(im, signal);
    };
    const p = await preprocessPhoto(image, { size: 32, cutoutSize: 300, margin: 1, box, segmenter: net });
    expect(p.matte).toBe('box');
    expect(seen).toEqual([[192, 180]]); // the box (160×150) and a tenth of it each side
    expect(p.cut?.doubts).toEqual([]);
    expect(p.coverage).toBeCloseTo(truth.reduce((a, b) => a + b, 0) / truth.length, 2);
    const blind = await loadSegmentationNetwork(modelFolder(tinySaliencyModel(0, -10)), { threads: 1 }); // background everywhere
    const q = await preprocessPhoto(image, { size: 32, box, segmenter: blind });
    expect(q.matte).toBe('box');
    expect(q.coverage).toBeCloseTo(p.coverage, 2);
    await net.dispose();
    await blind.dispose();
  });

  test('in a box, the network seeds the graph cut and decides where colours are shared', () => {
    // The object (a disc) and a slab of background inside the box have the same two colours in fine
    // stripes: colour alone cannot tell them apart, the prior can.
    const W = 160, H = 120;
    const image = createImage(W, H, 3);
    const truth = new Uint8Array(W * H);
    const prior = new Float32Array(W * H);
    const rng = createRng(4);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const disc = (x + 0.5 - 70) ** 2 + (y + 0.5 - 60) ** 2 <= 30 * 30;
        const slab = x >= 104 && x < 130 && y >= 25 && y < 95;
        let c = [0.3, 0.5, 0.3];
        if (disc || slab) c = (x + y) % 4 < 2 ? [0.8, 0.3, 0.2] : [0.2, 0.3, 0.8];
        truth[i] = disc ? 1 : 0;
        prior[i] = disc ? 0.9 : 0.1;
        for (let k = 0; k < 3; k++) image.data[i * 3 + k] = c[k] + rng.normal() * 0.01;
      }
    }
    const box = { x: 30, y: 20, width: 105, height: 80 };
    const plainCut = grabCut(image, box);
    const seeded = grabCut(image, box, { prior: { prob: prior, width: W, height: H } });
    expect(iou(truth, plainCut.image)).toBeLessThan(0.8);
    expect(iou(truth, seeded.image)).toBeGreaterThan(0.9);
    expect(assessCut(seeded.evidence).doubts).toEqual([]);
  });
});

// The trained network itself, when one is installed (or named by KILN_SEG_MODEL): its manifest and
// size, and that onnxruntime reproduces the exporter's PyTorch logits on the probe picture.
const modelDir = process.env.KILN_SEG_MODEL ?? segmentationModelDir();
const haveModel = existsSync(join(modelDir, 'manifest.json'));
const describeModel = haveModel
  ? describe
  : (title: string, fn: () => void) => describe.skip(`${title} (skipped: no segmentation model at ${modelDir}; training/README.md says how to train and export one)`, fn);

describeModel('the installed segmentation network', () => {
  test('manifest, size ≤ 10 MB, and the probe replayed through onnxruntime', async () => {
    const m = await loadSegmentationManifest(modelDir);
    expect(m.files.network.bytes).toBeLessThan(10e6);
    const net = await loadSegmentationNetwork(modelDir, { threads: 2 });
    const S = m.probe.size;
    const probe = createImage(S, S, 3);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) for (let c = 0; c < 3; c++) probe.data[(y * S + x) * 3 + c] = ((7 * x + 13 * y + 51 * c) % 256) / 255;
    const z = await net.logits(networkInput(probe, S, S, m.input), S, S);
    m.probe.indices.forEach((k, i) => expect(z[k]).toBeCloseTo(m.probe.logits[i], 2));
    let sum = 0, abs = 0;
    for (const v of z) {
      sum += v;
      abs += Math.abs(v);
    }
    expect(sum / z.length).toBeCloseTo(m.probe.mean, 3);
    expect(abs / z.length).toBeCloseTo(m.probe.absMean, 3);
    // One photo at the working resolution, timed (a loose bound: the machine may be shared).
    const photo = discPhoto(true).image;
    await net.predict(photo);
    const t0 = performance.now();
    await net.predict(photo);
    expect(performance.now() - t0).toBeLessThan(3000);
    await net.dispose();
  });

  test('with its mirror image averaged in, the answer for a mirrored photo is the mirrored answer', async () => {
    const S = 256, photo = discPhoto(true, 8).image; // 300×200: resize to the working resolution first
    const square = createImage(S, S, 3);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) for (let c = 0; c < 3; c++) square.data[(y * S + x) * 3 + c] = photo.data[((y % 200) * 300 + x) * 3 + c];
    const mirrored = createImage(S, S, 3);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) for (let c = 0; c < 3; c++) mirrored.data[(y * S + x) * 3 + c] = square.data[(y * S + S - 1 - x) * 3 + c];
    const gap = async (mirror: boolean) => {
      const net = await loadSegmentationNetwork(modelDir, { threads: 2, mirror });
      const a = (await net.predict(square)).prob, b = mirrorPlanes((await net.predict(mirrored)).prob, S, S);
      await net.dispose();
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      return worst;
    };
    expect(await gap(true)).toBeLessThan(1e-5);
    expect(await gap(false)).toBeGreaterThan(1e-3); // one pass alone is not symmetric: the test can tell
  });
});
