// Per-layer state of the backward pass, GRAD_STATE_WORDS u32 words per layer, mirrored in src/gpu/gradState.ts:
// the merged Moments of ∂L/∂Z_l (3 words), the exponent j_l of ∂L/∂Z_l that the layer below divides out (i32),
// the merged Moments of ∂L/∂W_l (3 words), and range flags: ∂L/∂Z in bits 0–2, ∂L/∂W in bits 3–5.
const GRAD_STATE_WORDS: u32 = 8u;
const GRAD_SLOT_WORDS: u32 = 4u;
const GRAD_EXPONENT: u32 = 3u;
const GRAD_FLAGS: u32 = 7u;
const WEIGHT_GRAD_FLAG_SHIFT: u32 = 3u;
