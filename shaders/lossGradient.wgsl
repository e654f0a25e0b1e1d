// The loss of a network's readout on a set of rows, and its gradient: one thread per row.
// Classes (PyTorch's CrossEntropyLoss): loss_r = logsumexp(z_r) − z_r[y_r], ∂loss/∂z_r = (softmax(z_r) − onehot(y_r))
// times `scale` (1/B, the mean's); `correct` is 1 when the first largest logit is the label's.
// Regression (MSELoss): loss_r = Σ_j (z_rj − y_rj)²/k, ∂/∂z_rj = 2(z_rj − y_rj) times `scale` (1/(B·k)).
// Each workgroup's 64 rows give one MomentPair partial (loss, correct), so the mean loss and the accuracy are merged
// like any statistic; `gradient` 0 computes the loss alone (an evaluation). A non-finite loss sets `diverged`.
// Declared in src/gpu/lossGradientKernel.ts.

const LOSS_THREADS: u32 = 64u;

// log(1 + x) to float32's relative precision for small x, where log(1.0 + x) would keep only the rounding of 1 + x
// (Goldberg's trick: the rounding of u = 1 + x divides out).
fn log1p(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * x / (u - 1.0);
}
var<workgroup> reduction: array<MomentPair, 64>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(workgroup_id) group: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let row = id.x;
  var pair = MomentPair(Moments(0u, 0.0, 0.0), Moments(0u, 0.0, 0.0));
  if (row < params.rows) {
    let base = row * params.outputs;
    var loss = 0.0;
    var correct = 0.0;
    if (params.classification == 1u) {
      var largest = logits[base];
      var best = 0u;
      for (var j = 1u; j < params.outputs; j++) {
        let z = logits[base + j];
        if (z > largest) { largest = z; best = j; }
      }
      let label = labels[params.first + row];
      // Σ over the other classes of e^{z_j − max z}: kept apart so that a confident right answer, whose loss is
      // log(1 + rest) and whose δ at the label is −rest/total, keeps float32's full relative precision.
      var rest = 0.0;
      for (var j = 0u; j < params.outputs; j++) {
        if (j != label) { rest += exp(logits[base + j] - largest); }
      }
      let total = rest + exp(logits[base + label] - largest);
      loss = select(log(total) + largest - logits[base + label], log1p(rest), best == label);
      correct = select(0.0, 1.0, best == label);
      if (params.gradient == 1u) {
        for (var j = 0u; j < params.outputs; j++) {
          let p = exp(logits[base + j] - largest) / total;
          delta[base + j] = params.scale * select(p, -rest / total, j == label);
        }
      }
    } else {
      let answer = (params.first + row) * params.outputs;
      for (var j = 0u; j < params.outputs; j++) {
        let d = logits[base + j] - targets[answer + j];
        loss += d * d;
        if (params.gradient == 1u) { delta[base + j] = params.scale * 2.0 * d; }
      }
      loss /= f32(params.outputs);
    }
    if ((bitcast<u32>(loss) & 0x7F800000u) == 0x7F800000u) { atomicMin(&diverged[0], params.step); }
    pair = MomentPair(pushValue(Moments(0u, 0.0, 0.0), loss), pushValue(Moments(0u, 0.0, 0.0), correct));
  }
  reduction[thread] = pair;
  for (var stride = LOSS_THREADS / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (thread < stride) { reduction[thread] = mergePairs(reduction[thread], reduction[thread + stride]); }
  }
  workgroupBarrier();
  if (thread == 0u) { partials[group.x] = reduction[0]; }
}
