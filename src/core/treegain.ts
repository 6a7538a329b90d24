/**
 * XGBoost gain importance read from a saved model. ml-xgboost exposes neither XGBoost's
 * `get_score` nor a tree dump, but its `toJSON()` carries XGBoost's own binary model, and
 * that stores each split's gain (loss_chg) and cover (sum_hess). This file parses it.
 *
 * Layout (XGBoost 0.7x–0.8x binary format, little-endian, as the WebAssembly build writes it):
 *   LearnerModelParam  136 bytes (base_score f32, num_feature u32, num_class i32, …)
 *   name_obj, name_gbm  each a u64 length and that many bytes
 *   GBTreeModelParam   160 bytes (num_trees i32 first)
 *   per tree: TreeParam 148 bytes (num_roots, num_nodes, num_deleted, max_depth,
 *             num_feature, size_leaf_vector, reserved), then num_nodes nodes of 20 bytes
 *             (parent i32, cleft i32, cright i32, sindex u32 — feature in the low 31 bits —,
 *             split value / leaf value f32), then num_nodes stats of 16 bytes (loss_chg f32,
 *             sum_hess f32, base_weight f32, leaf_child_cnt i32), then size_leaf_vector
 *             floats per node (0 here)
 *   tree_info          num_trees i32
 */

/** One feature's importance summed over every split on it in every tree. */
export interface FeatureGain {
  /** Splits on the feature (XGBoost's importance type "weight"). */
  readonly splits: number;
  /** Σ gain of those splits ("total_gain"). */
  readonly totalGain: number;
  /** totalGain / splits, XGBoost's default importance type "gain"; 0 when never split on. */
  readonly gain: number;
  /** Σ cover (hessian) of those splits ("total_cover"). */
  readonly totalCover: number;
}

/**
 * Per feature (index 0 … features − 1) the splits, total and mean gain and total cover of a
 * booster saved by ml-xgboost (`SavedModel.model`, signed bytes).
 * @throws RangeError when the bytes do not parse as that format (then nothing is guessed).
 * Cost: O(model size).
 */
export function gainImportance(model: readonly number[], features: number): FeatureGain[] {
  const bytes = Uint8Array.from(model, (b) => b & 0xff);
  const dv = new DataView(bytes.buffer);
  let off = 0;
  const need = (n: number) => {
    if (off + n > bytes.length) throw new RangeError(`saved model ends early at byte ${off} (needs ${n} more)`);
  };
  const skipString = () => {
    need(8);
    const len = Number(dv.getBigUint64(off, true));
    off += 8;
    need(len);
    off += len;
  };
  need(136);
  off = 136;
  skipString(); // objective
  skipString(); // booster
  need(160);
  const trees = dv.getInt32(off, true);
  off += 160;
  if (!(trees >= 0)) throw new RangeError(`saved model holds ${trees} trees`);
  const splits = new Float64Array(features);
  const gain = new Float64Array(features);
  const cover = new Float64Array(features);
  for (let k = 0; k < trees; k++) {
    need(148);
    const nodes = dv.getInt32(off + 4, true);
    const leafVector = dv.getInt32(off + 20, true);
    off += 148;
    need(nodes * 36 + nodes * leafVector * 4);
    const statsAt = off + nodes * 20;
    for (let i = 0; i < nodes; i++) {
      const node = off + i * 20;
      if (dv.getInt32(node + 4, true) === -1) continue; // a leaf
      const feature = dv.getUint32(node + 12, true) & 0x7fffffff;
      if (feature >= features) throw new RangeError(`tree ${k} splits on feature ${feature} of ${features}`);
      splits[feature]!++;
      gain[feature]! += dv.getFloat32(statsAt + i * 16, true);
      cover[feature]! += dv.getFloat32(statsAt + i * 16 + 4, true);
    }
    off = statsAt + nodes * 16 + nodes * leafVector * 4;
  }
  return Array.from({ length: features }, (_, c) => ({ splits: splits[c]!, totalGain: gain[c]!, gain: splits[c]! > 0 ? gain[c]! / splits[c]! : 0, totalCover: cover[c]! }));
}

/** Sums per-feature importances of several models (walk-forward folds); gain is recomputed as total / splits. */
export function addGains(a: readonly FeatureGain[], b: readonly FeatureGain[]): FeatureGain[] {
  return a.map((x, c) => {
    const y = b[c]!;
    const splits = x.splits + y.splits;
    const totalGain = x.totalGain + y.totalGain;
    return { splits, totalGain, gain: splits > 0 ? totalGain / splits : 0, totalCover: x.totalCover + y.totalCover };
  });
}
