// One optimizer update of element i of a parameter buffer, in place, with PyTorch's conventions (torch.optim):
// SGD: buf = g at the first step, else μ·buf + g; p −= lr·(g + μ·buf) with Nesterov, else lr·buf (μ = 0: lr·g).
// Adam: m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; p −= (lr / c₁)·m / (√v / √c₂ + ε), c_i = 1 − β_i^t.
// A non-finite new value records the step in `diverged`. Returns p before and after. Both optimizer kernels declare
// the uniforms and bindings it uses (src/gpu/optimizerKernel.ts), so the update is written once.

const SGD: u32 = 0u;

fn updateParameter(i: u32) -> vec2f {
  let g = grads[i];
  let before = values[i];
  var after = before;
  if (params.kind == SGD) {
    var direction = g;
    if (params.momentum != 0.0) {
      let buffer = select(params.momentum * first[i] + g, g, params.firstStep == 1u);
      first[i] = buffer;
      direction = select(buffer, g + params.momentum * buffer, params.nesterov == 1u);
    }
    after = before - params.lr * direction;
  } else {
    let m = params.beta1 * first[i] + (1.0 - params.beta1) * g;
    let v = params.beta2 * second[i] + (1.0 - params.beta2) * g * g;
    first[i] = m;
    second[i] = v;
    after = before - params.stepSize * m / (sqrt(v) / params.rootCorrection2 + params.eps);
  }
  values[i] = after;
  if ((bitcast<u32>(after) & 0x7F800000u) == 0x7F800000u) { atomicMin(&diverged[0], params.step); }
  return vec2f(before, after);
}
