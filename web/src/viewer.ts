import * as THREE from 'three';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';

export type ViewMode = 'textured' | 'clay' | 'normals' | 'wireframe';

/**
 * The model viewer: a GLB in a neutral studio (hemisphere + key + rim light), framed to fit, turned
 * with OrbitControls, with view modes that swap the materials. Renders only while something moves.
 */
export class ModelViewer {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(35, 1, 0.01, 100);
  private readonly controls: OrbitControls;
  private model?: THREE.Object3D;
  private originals = new Map<THREE.Mesh, THREE.Material | THREE.Material[]>();
  private mode: ViewMode = 'textured';
  /** Set when the picture changed without the camera moving (model, mode, size). */
  private needsRender = true;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    this.renderer.outputColorSpace = THREE.SRGBColorSpace;
    this.renderer.toneMapping = THREE.NeutralToneMapping;
    this.scene.background = new THREE.Color(0xe9e8e4);
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x8d8a85, 1.6));
    const key = new THREE.DirectionalLight(0xffffff, 1.4);
    key.position.set(2, 3, 2.5);
    const rim = new THREE.DirectionalLight(0xffffff, 0.6);
    rim.position.set(-2.5, 1.5, -2);
    this.scene.add(key, rim);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = true;
    this.controls.autoRotate = true;
    this.controls.autoRotateSpeed = 1.5;
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
    // Draw only when something changed (the camera moved, turned or settled from damping, or the
    // model, mode or size changed): a still model costs no GPU or CPU time, which matters on
    // software WebGL and on battery.
    this.renderer.setAnimationLoop(() => {
      const moved = this.controls.update();
      if (!moved && !this.needsRender) return;
      this.needsRender = false;
      this.renderer.render(this.scene, this.camera);
    });
  }

  private resize(): void {
    const w = this.canvas.clientWidth || 300, h = this.canvas.clientHeight || 300;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.needsRender = true;
  }

  /** Loads a GLB, replacing the current model, and frames it. Returns its vertex and face counts. */
  async load(url: string): Promise<{ vertices: number; faces: number }> {
    const gltf = await new GLTFLoader().loadAsync(url);
    if (this.model) this.scene.remove(this.model);
    this.model = gltf.scene;
    this.originals.clear();
    let vertices = 0, faces = 0;
    this.model.traverse((o) => {
      const mesh = o as THREE.Mesh;
      if (!mesh.isMesh) return;
      this.originals.set(mesh, mesh.material);
      const g = mesh.geometry;
      vertices += g.attributes.position.count;
      faces += (g.index ? g.index.count : g.attributes.position.count) / 3;
    });
    this.scene.add(this.model);
    const box = new THREE.Box3().setFromObject(this.model);
    const size = box.getSize(new THREE.Vector3()).length() || 1;
    const centre = box.getCenter(new THREE.Vector3());
    this.controls.target.copy(centre);
    this.camera.position.copy(centre).add(new THREE.Vector3(0.55, 0.35, 1).normalize().multiplyScalar(size * 1.5));
    this.camera.near = size / 100;
    this.camera.far = size * 100;
    this.camera.updateProjectionMatrix();
    this.setMode(this.mode);
    this.needsRender = true;
    return { vertices, faces };
  }

  setMode(mode: ViewMode): void {
    this.mode = mode;
    const clay = new THREE.MeshStandardMaterial({ color: 0xc9c2b8, roughness: 0.85 });
    const normals = new THREE.MeshNormalMaterial();
    const wire = new THREE.MeshBasicMaterial({ color: 0x333333, wireframe: true });
    for (const [mesh, original] of this.originals) {
      mesh.material = mode === 'textured' ? original : mode === 'clay' ? clay : mode === 'normals' ? normals : wire;
    }
    this.needsRender = true;
  }

  setAutoRotate(on: boolean): void {
    this.controls.autoRotate = on;
    this.needsRender = true;
  }
}
