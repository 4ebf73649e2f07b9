import { validateBytes } from 'gltf-validator';

export interface GlbValidation {
  errors: number;
  warnings: number;
  /** The first few error messages, for a readable failure. */
  messages: string[];
}

/** Runs the Khronos glTF validator on GLB bytes. */
export async function validateGlb(glb: Uint8Array): Promise<GlbValidation> {
  const report = await validateBytes(glb, { maxIssues: 50 });
  const messages = (report.issues.messages ?? [])
    .filter((m) => m.severity === 0)
    .slice(0, 5)
    .map((m) => `${m.code}: ${m.message}${m.pointer ? ` (${m.pointer})` : ''}`);
  return { errors: report.issues.numErrors, warnings: report.issues.numWarnings, messages };
}
