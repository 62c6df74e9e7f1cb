/**
 * Which standard initializations the weights follow now, tested statistically from the record's
 * weight norms: each Linear/Conv weight's RMS against the standard deviation the scheme gives its
 * shape (Kaiming: √(2/fan_in); Xavier: gain·√(2/(fan_in+fan_out)); orthogonal: √(min(r,c)/(r·c));
 * PyTorch's default U(±1/√fan_in): 1/√(3·fan_in)). A scheme is followed when the median ratio is
 * within 10 % and three quarters of the layers within 20 % (a 64×64 matrix estimates its RMS to
 * about 1 %). A remedy already in effect is not offered again.
 */
import type { StepRecord } from '../record/types.js';

export const INIT_SCHEMES = ['kaimingNormal', 'xavierNormal-tanh', 'xavierNormal', 'orthogonal', 'default'] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

function expectedStd(scheme: InitScheme, shape: readonly number[]): number {
  const rf = shape.slice(2).reduce((a, b) => a * b, 1);
  const fanIn = shape[1]! * rf;
  const fanOut = shape[0]! * rf;
  switch (scheme) {
    case 'kaimingNormal':
      return Math.sqrt(2 / fanIn);
    case 'xavierNormal-tanh':
      return (5 / 3) * Math.sqrt(2 / (fanIn + fanOut));
    case 'xavierNormal':
      return Math.sqrt(2 / (fanIn + fanOut));
    case 'orthogonal': {
      const r = shape[0]!;
      const c = fanIn;
      return Math.sqrt(Math.min(r, c) / (r * c));
    }
    case 'default':
      return 1 / Math.sqrt(3 * fanIn);
  }
}

export function initFollows(rec: StepRecord | undefined, layers?: ReadonlySet<string>): InitScheme[] {
  if (!rec) return [];
  const ws = rec.params.filter(
    (p) => p.shape.length >= 2 && !p.name.split('.').pop()!.startsWith('weight_hh') && !p.name.split('.').pop()!.startsWith('weight_ih') && (!layers || layers.has(p.layer)),
  );
  if (ws.length === 0) return [];
  return INIT_SCHEMES.filter((s) => {
    const r = ws.map((p) => {
      const n = p.shape.reduce((a, b) => a * b, 1);
      return p.norm / Math.sqrt(n) / expectedStd(s, p.shape);
    });
    const sorted = [...r].sort((a, b) => a - b);
    const med = sorted[sorted.length >> 1]!;
    const near = r.filter((x) => x > 0.8 && x < 1.2).length;
    return med > 0.9 && med < 1.1 && near >= 0.75 * r.length;
  });
}
