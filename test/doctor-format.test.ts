/** The terminal/log formatter: translated severity words, ANSI colour only when asked, layers by depth and path. */
import { describe, expect, it } from 'vitest';
import { formatFindings } from '../src/diagnostics/format.js';
import { doctor } from '../src/index.js';
import type { Finding } from '../src/diagnostics/detectors/types.js';

const finding: Finding = {
  id: 'saturation',
  severity: 'warning',
  layers: ['layers.1', 'layers.5'],
  step: 3,
  evidence: { worstShare: 0.4, layerDepths: [1, 3], layerCount: 6, layerKinds: ['tanh', 'tanh'] },
  message: 'Saturated tanh units.',
  explanation: 'The backward pass multiplies one Jacobian per layer. '.repeat(6),
  remedies: [{ text: 'Use Xavier init', code: "model.apply((m) => {\n  if (m instanceof nn.Linear) nn.init.xavierNormal_(m.weight);\n});" }, { text: 'Standardize the inputs' }],
};

describe('formatFindings', () => {
  it('is exported from the doctor', () => expect(doctor.formatFindings).toBe(formatFindings));

  it('names layers by depth and by path, numbers the remedies, indents their code', () => {
    const s = formatFindings([finding], { lang: 'en', color: false });
    expect(s).toContain('warning');
    expect(s).toContain('layer 1 of 6, tanh (layers.1) → layer 3 of 6, tanh (layers.5)');
    expect(s).toMatch(/\n {4}1\. Use Xavier init\n {9}model\.apply/);
    expect(s).toMatch(/\n {9}  if \(m instanceof nn\.Linear\)/);
    expect(s).not.toContain('\u001b[');
    for (const line of s.split('\n')) if (!line.includes('model.apply') && !line.includes('instanceof')) expect(line.length).toBeLessThanOrEqual(88 + 40);
  });

  it('wraps the explanation to the width', () => {
    const s = formatFindings([finding], { width: 60 });
    const why = s.split('\n').filter((l) => l.startsWith('    The') || l.startsWith('    ') && l.includes('Jacobian'));
    expect(why.length).toBeGreaterThan(3);
    for (const l of why) expect(l.length).toBeLessThanOrEqual(60);
  });

  it('translates the frame words into French', () => {
    const s = formatFindings([{ ...finding, severity: 'critical' }], { lang: 'fr' });
    expect(s).toContain('critique');
    expect(s).toContain('couche 1 sur 6, tanh (layers.1)');
    expect(s).toContain('remèdes');
    expect(formatFindings([{ ...finding }], { lang: 'fr' })).toContain('avertissement');
  });

  it('colours with plain ANSI codes only when asked', () => {
    const s = formatFindings([{ ...finding, severity: 'critical' }], { color: true });
    expect(s).toContain('\u001b[1m\u001b[31mcritical\u001b[0m');
  });

  it('falls back to module paths, and says when there is nothing', () => {
    const s = formatFindings([{ ...finding, evidence: {} }]);
    expect(s).toContain('layers: layers.1 → layers.5');
    expect(formatFindings([])).toBe('The doctor found nothing wrong.');
    expect(() => formatFindings([], { lang: 'de' as 'en' })).toThrow(/unknown language/);
  });
});
