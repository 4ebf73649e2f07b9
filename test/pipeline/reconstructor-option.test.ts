import { describe, expect, test } from '@jest/globals';
import { loadMultiViewModel } from '../../src/diffusion/multiview-model.js';
import { reconstructFromViews, type Reconstructor } from '../../src/pipeline/reconstruct-from-views.js';
import { textTo3D } from '../../src/pipeline/text-to-3d.js';

// The reconstruction stage is an option of the pipeline: a reconstructor passed in is the one that
// builds the mesh, and it sees the generated views.
describe('generation options: reconstructor', () => {
  test('textTo3D builds its mesh with the reconstructor it is given', async () => {
    const model = await loadMultiViewModel(undefined, { threads: 2 });
    try {
      const seen: number[] = [];
      const reconstructor: Reconstructor = async (views, options) => {
        seen.push(views.length);
        return reconstructFromViews(views, { ...options, colorMode: 'vertex' });
      };
      const result = await textTo3D(model, 'a red mug', { fast: true, reconstructor });
      expect(seen.length).toBeGreaterThanOrEqual(1);
      expect(seen[0]).toBe(model.manifest.rig.views.length);
      // Vertex colours and no texture: the mesh is the given reconstructor's, not the default's.
      expect(result.mesh.colors).toBeDefined();
      expect(result.mesh.material?.baseColorTexture).toBeUndefined();
      expect(result.mesh.indices.length).toBeGreaterThan(0);
    } finally {
      await model.dispose();
    }
  }, 120000);
});
