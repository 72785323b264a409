/**
 * L2-regularised logistic regression over sparse hashed features plus a few dense ones, fitted by
 * full-batch L-BFGS. No learning rate to tune and no sampling order, so a fit is a deterministic
 * function of its rows: the same data gives the same weights, bit for bit.
 *
 *   loss(w) = Σ_i c_i · [log(1 + e^{z_i}) − y_i · z_i] / Σ_i c_i + ½ λ ‖w_hashed‖² + ½ λ_dense ‖w_dense‖²
 *   z_i     = bias + w_dense · x_dense_i + Σ_j w_hashed[j] · x_j
 *
 * Labels may be soft (y in [0, 1]); c_i are optional row weights. The bias is not regularised.
 */

export interface TrainingRow {
  /** Hashed feature buckets (may repeat; repeated entries add). */
  indices: Int32Array;
  values: Float32Array;
  /** Dense features, already standardised. */
  dense: Float64Array;
  /** Target in [0, 1]. */
  label: number;
  /** Row weight; default 1. */
  weight?: number;
}

export interface LogisticOptions {
  /** L2 strength on the hashed weights. */
  l2: number;
  /** L2 strength on the dense weights. Default: l2. */
  l2Dense?: number;
  /** Default 300. */
  maxIterations?: number;
  /** Stop when the relative loss decrease over an iteration is below this. Default 1e-9. */
  tolerance?: number;
  /** L-BFGS memory. Default 10. */
  history?: number;
  /**
   * Warm start: fitting starts from these weights and the L2 penalty pulls towards them instead of
   * towards zero, so a few hundred labels adjust a model rather than replace it. Default none.
   */
  prior?: { bias: number; dense: ArrayLike<number>; hashed: ArrayLike<number> };
  /** Called after each iteration (progress output). */
  onIteration?: (iteration: number, loss: number) => void;
}

export interface LogisticFit {
  bias: number;
  dense: Float64Array;
  hashed: Float64Array;
  iterations: number;
  /** Regularised training loss at the end. */
  loss: number;
  converged: boolean;
}

/** Weight layout while fitting: [bias, dense..., hashed...]. */
function unpack(w: Float64Array, denseCount: number): { bias: number; dense: Float64Array; hashed: Float64Array } {
  return { bias: w[0]!, dense: w.subarray(1, 1 + denseCount), hashed: w.subarray(1 + denseCount) };
}

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** The linear score of one row under packed weights. */
function rowLogit(w: Float64Array, row: TrainingRow, denseCount: number): number {
  let z = w[0]!;
  const dense = row.dense;
  for (let k = 0; k < denseCount; k++) z += w[1 + k]! * dense[k]!;
  const offset = 1 + denseCount;
  const { indices, values } = row;
  for (let k = 0; k < indices.length; k++) z += w[offset + indices[k]!]! * values[k]!;
  return z;
}

export function fitLogistic(rows: TrainingRow[], shape: { dense: number; buckets: number }, options: LogisticOptions): LogisticFit {
  if (rows.length === 0) throw new Error("cannot fit a model on zero rows");
  const denseCount = shape.dense;
  const size = 1 + denseCount + shape.buckets;
  const l2 = options.l2;
  const l2Dense = options.l2Dense ?? options.l2;
  const center = options.prior ? packPrior(options.prior, denseCount, shape.buckets) : undefined;
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = options.tolerance ?? 1e-9;
  const memory = options.history ?? 10;
  let totalWeight = 0;
  for (const row of rows) {
    if (!(row.label >= 0 && row.label <= 1)) throw new Error(`labels must be in [0, 1], got ${row.label}`);
    if (row.dense.length !== denseCount) throw new Error(`row has ${row.dense.length} dense features, expected ${denseCount}`);
    totalWeight += row.weight ?? 1;
  }

  /** Loss and gradient (written into `grad`) at w. */
  const evaluate = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const offset = 1 + denseCount;
    for (const row of rows) {
      const c = (row.weight ?? 1) / totalWeight;
      const z = rowLogit(w, row, denseCount);
      loss += c * (softplus(z) - row.label * z);
      const g = c * (sigmoid(z) - row.label);
      grad[0]! += g;
      for (let k = 0; k < denseCount; k++) grad[1 + k]! += g * row.dense[k]!;
      const { indices, values } = row;
      for (let k = 0; k < indices.length; k++) grad[offset + indices[k]!]! += g * values[k]!;
    }
    let penalty = 0;
    for (let k = 1; k < size; k++) {
      const lambda = k < offset ? l2Dense : l2;
      const wk = w[k]! - (center ? center[k]! : 0);
      penalty += lambda * wk * wk;
      grad[k]! += lambda * wk;
    }
    return loss + penalty / 2;
  };

  // Start from the prior, or from the base rate: the bias alone, every other weight zero.
  const w = new Float64Array(size);
  if (center) w.set(center);
  else {
    const mean = rows.reduce((sum, row) => sum + (row.weight ?? 1) * row.label, 0) / totalWeight;
    const clipped = Math.min(1 - 1e-6, Math.max(1e-6, mean));
    w[0] = Math.log(clipped / (1 - clipped));
  }

  let grad = new Float64Array(size);
  let loss = evaluate(w, grad);
  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const direction = new Float64Array(size);
  const alpha = new Float64Array(memory);
  const nextW = new Float64Array(size);
  let nextGrad = new Float64Array(size);
  let iterations = 0;
  let converged = false;

  for (; iterations < maxIterations;) {
    // Two-loop recursion: direction = −H·grad.
    direction.set(grad);
    for (let m = sHistory.length - 1; m >= 0; m--) {
      const a = rhoHistory[m]! * dot(sHistory[m]!, direction);
      alpha[m] = a;
      axpy(-a, yHistory[m]!, direction);
    }
    if (sHistory.length > 0) {
      const last = sHistory.length - 1;
      const gamma = dot(sHistory[last]!, yHistory[last]!) / dot(yHistory[last]!, yHistory[last]!);
      scale(direction, gamma);
    } else {
      // First step: a unit-length move along the gradient.
      scale(direction, 1 / Math.max(1e-12, Math.sqrt(dot(grad, grad))));
    }
    for (let m = 0; m < sHistory.length; m++) {
      const b = rhoHistory[m]! * dot(yHistory[m]!, direction);
      axpy(alpha[m]! - b, sHistory[m]!, direction);
    }
    scale(direction, -1);

    let slope = dot(grad, direction);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): fall back to steepest descent and forget the curvature.
      direction.set(grad);
      scale(direction, -1 / Math.max(1e-12, Math.sqrt(dot(grad, grad))));
      slope = dot(grad, direction);
      sHistory.length = 0;
      yHistory.length = 0;
      rhoHistory.length = 0;
    }

    // Backtracking line search (Armijo).
    let step = 1;
    let nextLoss = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let k = 0; k < size; k++) nextW[k] = w[k]! + step * direction[k]!;
      nextLoss = evaluate(nextW, nextGrad);
      if (nextLoss <= loss + 1e-4 * step * slope) break;
      step /= 2;
    }
    iterations++;
    if (!(nextLoss < loss)) {
      converged = true;
      break;
    }

    const s = new Float64Array(size);
    const y = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      s[k] = nextW[k]! - w[k]!;
      y[k] = nextGrad[k]! - grad[k]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
      if (sHistory.length > memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
    }

    const decrease = (loss - nextLoss) / Math.max(1e-12, Math.abs(loss));
    w.set(nextW);
    [grad, nextGrad] = [nextGrad, grad];
    loss = nextLoss;
    options.onIteration?.(iterations, loss);
    if (decrease < tolerance) {
      converged = true;
      break;
    }
  }

  const { bias, dense, hashed } = unpack(w, denseCount);
  return { bias, dense: Float64Array.from(dense), hashed: Float64Array.from(hashed), iterations, loss, converged };
}

/** The fitted logit of a row (for evaluation during training; inference lives in src/intake/trained). */
export function predictLogit(
  fit: Pick<LogisticFit, "bias" | "dense" | "hashed">,
  row: Pick<TrainingRow, "indices" | "values" | "dense">,
): number {
  let z = fit.bias;
  for (let k = 0; k < fit.dense.length; k++) z += fit.dense[k]! * row.dense[k]!;
  for (let k = 0; k < row.indices.length; k++) z += fit.hashed[row.indices[k]!]! * row.values[k]!;
  return z;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k]! * b[k]!;
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let k = 0; k < y.length; k++) y[k]! += a * x[k]!;
}

function scale(x: Float64Array, a: number): void {
  for (let k = 0; k < x.length; k++) x[k]! *= a;
}

function packPrior(prior: NonNullable<LogisticOptions["prior"]>, denseCount: number, buckets: number): Float64Array {
  if (prior.dense.length !== denseCount || prior.hashed.length !== buckets) {
    throw new Error(
      `warm start: the prior has ${prior.dense.length} dense and ${prior.hashed.length} hashed weights, the fit ${denseCount} and ${buckets}`,
    );
  }
  const packed = new Float64Array(1 + denseCount + buckets);
  packed[0] = prior.bias;
  for (let k = 0; k < denseCount; k++) packed[1 + k] = prior.dense[k]!;
  for (let k = 0; k < buckets; k++) packed[1 + denseCount + k] = prior.hashed[k]!;
  return packed;
}
