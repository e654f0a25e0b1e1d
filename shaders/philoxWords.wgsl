// Raw Philox output for a run of counters (element = first + index, the other words fixed), to check the WGSL
// generator against the CPU's bit for bit. Prepended: philox.wgsl.

struct WordsParams {
  counter: vec4u,
  key: vec2u,
  count: u32,
}

@group(0) @binding(0) var<uniform> params: WordsParams;
@group(0) @binding(1) var<storage, read_write> words: array<vec4u>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= params.count) { return; }
  let c = params.counter;
  words[id.x] = philox(vec4u(c.x + id.x, c.y, c.z, c.w), params.key);
}
