/**
 * The published shape of the package: `tsc -p tsconfig.build.json` emits dist/ with declarations,
 * and a consumer's `import … from 'gradlab'` / `'gradlab/node'` resolves through package.json
 * "exports" and trains and checkpoints from the built JavaScript alone.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const tmp = mkdtempSync(join(tmpdir(), 'gradlab-pkg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('package', () => {
  it('builds to dist/ and is importable as gradlab and gradlab/node', () => {
    const pkgDir = join(tmp, 'gradlab');
    mkdirSync(pkgDir);
    cpSync(join(ROOT, 'package.json'), join(pkgDir, 'package.json'));
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(pkgDir, 'dist')], { stdio: 'pipe' });
    expect(existsSync(join(pkgDir, 'dist/index.d.ts'))).toBe(true);
    expect(existsSync(join(pkgDir, 'dist/node/index.d.ts'))).toBe(true);
    const app = join(tmp, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(pkgDir, join(app, 'node_modules/gradlab'), 'dir');
    writeFileSync(join(app, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(app, 'main.mjs'),
      `import { manualSeed, randn, randint, nn, optim, F, backend } from 'gradlab';
import { save, load } from 'gradlab/node';
manualSeed(0);
const m = nn.mlp({ inFeatures: 8, hidden: [16, 16], outFeatures: 3 });
const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
const x = randn([32, 8]), y = randint(0, 3, [32]);
const losses = [];
for (let i = 0; i < 30; i++) { opt.zeroGrad(); const l = F.crossEntropy(m.forward(x), y); l.backward(); opt.step(); losses.push(l.item()); }
save(m.stateDict(), 'm.safetensors');
const back = load('m.safetensors');
console.log(JSON.stringify({ backend: backend().name, first: losses[0], last: losses.at(-1), keys: Object.keys(back).sort() }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8' }));
    expect(out.last).toBeLessThan(out.first);
    expect(out.keys).toEqual(['0.bias', '0.weight', '2.bias', '2.weight', '4.bias', '4.weight']);
  });
});
