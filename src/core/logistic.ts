/**
 * L2-penalised logistic regression fitted by Newton's method (IRLS): the linear baseline
 * `classify` prints beside XGBoost, on the same features and training rows.
 */

export interface LogisticOptions {
  /** λ ≥ 0 of the penalty (λ/2)·Σ β_j² on the standardised slopes (not the intercept). Default 1. */
  readonly l2?: number;
  /** Newton steps at most (each solves a (f+1)² system). Default 100. */
  readonly maxIterations?: number;
}

export interface LogisticModel {
  /** Per feature: the training mean and standard deviation used to standardise (sd 1 for a constant column). */
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  /** [intercept, β_1 … β_f] on the standardised features. */
  readonly coef: Float64Array;
  /** Newton steps taken. */
  readonly iterations: number;
  /** P(label = 1) per row of X (row-major n × f). */
  predict(X: Float64Array): Float64Array;
}

/**
 * Fits P(y = 1 | x) = σ(β_0 + Σ_j β_j z_j), z_j = (x_j − mean_j) / sd_j, minimising
 * −Σ_i log-likelihood_i + (λ/2)·Σ_{j≥1} β_j². A non-finite feature value becomes z = 0 (the
 * training mean). Newton steps with step halving whenever the objective would rise, until
 * no coefficient moves by more than 1e-12 (relative) — so the result is the exact minimiser
 * to rounding. With λ = 0 and separable data there is no minimiser; λ > 0 always has one.
 *
 * @throws RangeError on mis-shaped input, labels other than 0/1, or λ < 0.
 * Cost: O(iterations · n · f²) time, O(n · f) memory.
 */
export function fitLogistic(X: Float64Array, y: Uint8Array, options: LogisticOptions = {}): LogisticModel {
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const n = y.length;
  if (n === 0 || X.length % n !== 0) throw new RangeError(`feature matrix of ${X.length} values does not hold ${n} rows`);
  if (!(l2 >= 0)) throw new RangeError(`l2 must be ≥ 0, got ${l2}`);
  const f = X.length / n;
  const { mean, scale } = standardisation(X, n, f);
  const Z = standardise(X, mean, scale);
  const p = f + 1;
  let beta = new Float64Array(p);
  let loss = objective(Z, y, beta, l2);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const { gradient, hessian } = derivatives(Z, y, beta, l2);
    const step = solveSymmetric(hessian, gradient, p);
    let t = 1;
    let next = beta.map((b, j) => b - step[j]!);
    let nextLoss = objective(Z, y, next, l2);
    while (nextLoss > loss && t > 1e-10) {
      t /= 2;
      next = beta.map((b, j) => b - t * step[j]!);
      nextLoss = objective(Z, y, next, l2);
    }
    const moved = Math.max(...next.map((b, j) => Math.abs(b - beta[j]!) / Math.max(1, Math.abs(b))));
    beta = next;
    loss = nextLoss;
    if (moved < 1e-12) break;
  }
  const coef = beta;
  return {
    mean,
    scale,
    coef,
    iterations,
    predict(Xnew: Float64Array): Float64Array {
      if (Xnew.length % f !== 0) throw new RangeError(`feature matrix of ${Xnew.length} values is not n × ${f}`);
      const Zn = standardise(Xnew, mean, scale);
      const out = new Float64Array(Xnew.length / f);
      for (let i = 0; i < out.length; i++) out[i] = sigmoid(linear(Zn, i, coef));
      return out;
    },
  };
}

/** Mean and sd (population) of each column over its finite values; sd 1 where it is 0 or undefined. */
function standardisation(X: Float64Array, n: number, f: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(f);
  const scale = new Float64Array(f);
  for (let c = 0; c < f; c++) {
    let sum = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = X[i * f + c]!;
      if (Number.isFinite(v)) {
        sum += v;
        m++;
      }
    }
    const mu = m === 0 ? 0 : sum / m;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = X[i * f + c]!;
      if (Number.isFinite(v)) ss += (v - mu) * (v - mu);
    }
    const sd = m === 0 ? 0 : Math.sqrt(ss / m);
    mean[c] = mu;
    scale[c] = sd > 0 ? sd : 1;
  }
  return { mean, scale };
}

/** Rows with a leading 1 (intercept) and standardised features; non-finite values become 0. */
function standardise(X: Float64Array, mean: Float64Array, scale: Float64Array): Float64Array {
  const f = mean.length;
  const n = X.length / f;
  const Z = new Float64Array(n * (f + 1));
  for (let i = 0; i < n; i++) {
    Z[i * (f + 1)] = 1;
    for (let c = 0; c < f; c++) {
      const v = X[i * f + c]!;
      Z[i * (f + 1) + c + 1] = Number.isFinite(v) ? (v - mean[c]!) / scale[c]! : 0;
    }
  }
  return Z;
}

function linear(Z: Float64Array, i: number, beta: Float64Array): number {
  const p = beta.length;
  let s = 0;
  for (let j = 0; j < p; j++) s += Z[i * p + j]! * beta[j]!;
  return s;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Penalised negative log-likelihood; log(1 + e^η) computed without overflow. */
function objective(Z: Float64Array, y: Uint8Array, beta: Float64Array, l2: number): number {
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const eta = linear(Z, i, beta);
    const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
    loss += softplus - y[i]! * eta;
  }
  for (let j = 1; j < beta.length; j++) loss += (l2 / 2) * beta[j]! * beta[j]!;
  return loss;
}

/** Gradient Zᵀ(p − y) + λβ and Hessian ZᵀWZ + λI (the intercept unpenalised). */
function derivatives(Z: Float64Array, y: Uint8Array, beta: Float64Array, l2: number): { gradient: Float64Array; hessian: Float64Array } {
  const p = beta.length;
  const gradient = new Float64Array(p);
  const hessian = new Float64Array(p * p);
  for (let i = 0; i < y.length; i++) {
    const mu = sigmoid(linear(Z, i, beta));
    const w = mu * (1 - mu);
    const r = mu - y[i]!;
    for (let j = 0; j < p; j++) {
      const zj = Z[i * p + j]!;
      gradient[j]! += zj * r;
      for (let k = 0; k <= j; k++) hessian[j * p + k]! += w * zj * Z[i * p + k]!;
    }
  }
  for (let j = 0; j < p; j++) {
    for (let k = 0; k < j; k++) hessian[k * p + j] = hessian[j * p + k]!;
    if (j > 0) {
      gradient[j]! += l2 * beta[j]!;
      hessian[j * p + j]! += l2;
    }
  }
  return { gradient, hessian };
}

/**
 * Solves A x = b for a symmetric positive semi-definite A by Cholesky; a pivot ≤ 1e-12 of the
 * diagonal's scale (a feature the data cannot identify) is raised to that floor, so the step
 * in that direction is simply small.
 */
export function solveSymmetric(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const L = new Float64Array(p * p);
  let diag = 0;
  for (let j = 0; j < p; j++) diag = Math.max(diag, Math.abs(A[j * p + j]!));
  const floor = Math.max(diag, 1) * 1e-12;
  for (let j = 0; j < p; j++) {
    for (let k = 0; k <= j; k++) {
      let s = A[j * p + k]!;
      for (let m = 0; m < k; m++) s -= L[j * p + m]! * L[k * p + m]!;
      if (j === k) L[j * p + j] = Math.sqrt(Math.max(s, floor));
      else L[j * p + k] = s / L[k * p + k]!;
    }
  }
  const z = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = b[j]!;
    for (let m = 0; m < j; m++) s -= L[j * p + m]! * z[m]!;
    z[j] = s / L[j * p + j]!;
  }
  const x = new Float64Array(p);
  for (let j = p - 1; j >= 0; j--) {
    let s = z[j]!;
    for (let m = j + 1; m < p; m++) s -= L[m * p + j]! * x[m]!;
    x[j] = s / L[j * p + j]!;
  }
  return x;
}
