/**
 * The rotation and translation that best map points P onto corresponding points Q in the least-
 * squares sense (Horn's closed form with unit quaternions: the rotation is the eigenvector of the
 * largest eigenvalue of a symmetric 4×4 matrix built from the cross-covariance). Used by ICP.
 */
export interface RigidTransform {
  /** Row-major 3×3 rotation. */
  rotation: Float64Array;
  translation: [number, number, number];
}

export function identityTransform(): RigidTransform {
  return { rotation: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), translation: [0, 0, 0] };
}

/** Applies `t` to a flat xyz array, writing into `out` (which may not alias `points`). */
export function applyRigid(t: RigidTransform, points: Float32Array, out = new Float32Array(points.length)): Float32Array {
  const r = t.rotation;
  const [tx, ty, tz] = t.translation;
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i], y = points[i + 1], z = points[i + 2];
    out[i] = r[0] * x + r[1] * y + r[2] * z + tx;
    out[i + 1] = r[3] * x + r[4] * y + r[5] * z + ty;
    out[i + 2] = r[6] * x + r[7] * y + r[8] * z + tz;
  }
  return out;
}

/** `a ∘ b`: first b, then a. */
export function composeRigid(a: RigidTransform, b: RigidTransform): RigidTransform {
  const ra = a.rotation, rb = b.rotation;
  const rotation = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) rotation[i * 3 + j] = ra[i * 3] * rb[j] + ra[i * 3 + 1] * rb[3 + j] + ra[i * 3 + 2] * rb[6 + j];
  const [bx, by, bz] = b.translation;
  return {
    rotation,
    translation: [
      ra[0] * bx + ra[1] * by + ra[2] * bz + a.translation[0],
      ra[3] * bx + ra[4] * by + ra[5] * bz + a.translation[1],
      ra[6] * bx + ra[7] * by + ra[8] * bz + a.translation[2],
    ],
  };
}

/**
 * Least-squares rigid fit of `p[i] → q[pairs[i]]` for i in [0, n) (pairs maps each source point to
 * the index of its counterpart in q).
 */
export function fitRigid(p: Float32Array, q: Float32Array, pairs: Uint32Array): RigidTransform {
  const n = pairs.length;
  let px = 0, py = 0, pz = 0, qx = 0, qy = 0, qz = 0;
  for (let i = 0; i < n; i++) {
    const j = pairs[i] * 3;
    px += p[i * 3]; py += p[i * 3 + 1]; pz += p[i * 3 + 2];
    qx += q[j]; qy += q[j + 1]; qz += q[j + 2];
  }
  px /= n; py /= n; pz /= n; qx /= n; qy /= n; qz /= n;
  // Cross-covariance S = Σ (p − p̄)(q − q̄)ᵀ.
  let sxx = 0, sxy = 0, sxz = 0, syx = 0, syy = 0, syz = 0, szx = 0, szy = 0, szz = 0;
  for (let i = 0; i < n; i++) {
    const j = pairs[i] * 3;
    const ax = p[i * 3] - px, ay = p[i * 3 + 1] - py, az = p[i * 3 + 2] - pz;
    const bx = q[j] - qx, by = q[j + 1] - qy, bz = q[j + 2] - qz;
    sxx += ax * bx; sxy += ax * by; sxz += ax * bz;
    syx += ay * bx; syy += ay * by; syz += ay * bz;
    szx += az * bx; szy += az * by; szz += az * bz;
  }
  const N = new Float64Array([
    sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
    syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
    szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
    sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
  ]);
  const [w, x, y, z] = largestEigenvector4(N);
  const rotation = new Float64Array([
    w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z,
  ]);
  const translation: [number, number, number] = [
    qx - (rotation[0] * px + rotation[1] * py + rotation[2] * pz),
    qy - (rotation[3] * px + rotation[4] * py + rotation[5] * pz),
    qz - (rotation[6] * px + rotation[7] * py + rotation[8] * pz),
  ];
  return { rotation, translation };
}

/** Cyclic Jacobi eigen-decomposition of a symmetric 4×4 matrix; returns the unit eigenvector of the largest eigenvalue. */
function largestEigenvector4(input: Float64Array): [number, number, number, number] {
  const a = Float64Array.from(input);
  const v = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) off += a[i * 4 + j] * a[i * 4 + j];
    if (off < 1e-22) break;
    for (let p = 0; p < 3; p++) {
      for (let q = p + 1; q < 4; q++) {
        const apq = a[p * 4 + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * 4 + q] - a[p * 4 + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = a[k * 4 + p], akq = a[k * 4 + q];
          a[k * 4 + p] = c * akp - s * akq;
          a[k * 4 + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          const apk = a[p * 4 + k], aqk = a[q * 4 + k];
          a[p * 4 + k] = c * apk - s * aqk;
          a[q * 4 + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[k * 4 + p], vkq = v[k * 4 + q];
          v[k * 4 + p] = c * vkp - s * vkq;
          v[k * 4 + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < 4; i++) if (a[i * 4 + i] > a[best * 4 + best]) best = i;
  const e: [number, number, number, number] = [v[best], v[4 + best], v[8 + best], v[12 + best]];
  const l = Math.hypot(...e) || 1;
  return [e[0] / l, e[1] / l, e[2] / l, e[3] / l];
}
