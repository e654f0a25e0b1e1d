// The benchmark's naive baseline: one thread per output, Z = φ_in(A)·W + b read straight from global memory, no
// tiling, no statistics. Declared in bench/naiveLayerKernel.ts.

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let col = id.x;
  let row = id.y;
  if (row >= params.rows || col >= params.fanOut) { return; }
  var acc = 0.0;
  for (var k = 0u; k < params.fanIn; k++) {
    acc += activate(params.activation, input[row * params.fanIn + k], params.slope) * weights[k * params.fanOut + col];
  }
  output[row * params.fanOut + col] = acc + params.bias;
}
