// Raw Philox output for a run of counters (element = first + index, the other words fixed), to check the WGSL
// generator against the CPU's bit for bit. A test-only kernel, declared in tests/gpu/philoxWordsKernel.ts.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= params.count) { return; }
  words[id.x] = philox(vec4u(params.counter0 + id.x, params.counter1, params.counter2, params.counter3),
                       vec2u(params.key0, params.key1));
}
