import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/node.js';
import type { ConvGeo } from './conv-core.js';

/**
 * The bias of a convolution on the tape: its gradient sums dy over images and output pixels
 * (float64 sums rounded once), and the adjoint of that broadcasts a [O] tensor back to dy's shape.
 */

/**
 * db[o] = Σ_n Σ_l dy[n, o, l] in float64: per plane four partial sums over l ≡ 0…3 (mod 4),
 * combined as (s0 + s1) + (s2 + s3) and added to the running sum in image order. The wasm
 * backend's fused weight gradient (conv-batch.wat conv_bias_grad) sums in exactly this order.
 */
export function biasGradData(d: Float32Array, geo: ConvGeo, db: Float32Array): void {
  const L = geo.OH * geo.OW;
  const acc = new Float64Array(geo.O);
  for (let n = 0; n < geo.N; n++)
    for (let o = 0; o < geo.O; o++) {
      // four float64 partial sums: independent additions pipeline (a plane is one hot loop)
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const base = (n * geo.O + o) * L;
      const end = base + L;
      let l = base;
      for (; l + 4 <= end; l += 4) {
        s0 += d[l]!;
        s1 += d[l + 1]!;
        s2 += d[l + 2]!;
        s3 += d[l + 3]!;
      }
      for (; l < end; l++) s0 += d[l]!;
      acc[o] += s0 + s1 + (s2 + s3);
    }
  for (let o = 0; o < geo.O; o++) db[o] = acc[o]!;
}

/** The bias gradient of dy as a recorded [O] tensor (`pre`: its data, already computed). */
export function sumBias(g: Tensor, geo: ConvGeo, pre: Float32Array | null = null): Tensor {
  let data = pre;
  if (data === null) {
    data = new Float32Array(geo.O);
    biasGradData(g.data, geo, data);
  }
  const out = new Tensor(data, [geo.O]);
  return record(out, 'convBiasGrad', [g], (gb) => [broadcastBias(gb, geo)], []);
}

function broadcastBias(b: Tensor, geo: ConvGeo): Tensor {
  const L = geo.OH * geo.OW;
  const out = new Tensor(new Float32Array(geo.N * geo.O * L), [geo.N, geo.O, geo.OH, geo.OW]);
  for (let n = 0; n < geo.N; n++)
    for (let o = 0; o < geo.O; o++) out.data.fill(b.data[o]!, (n * geo.O + o) * L, (n * geo.O + o + 1) * L);
  return record(out, 'convBiasBroadcast', [b], (g) => [sumBias(g, geo)], []);
}
