/**
 * `npm run lab`: build the web lab when dist/web/app is missing (or `--build`), then serve it
 * with serveLab and print its address. Options: --port N (default 8080), --host H, --open, --build.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_APP_DIR, serveLab } from './serve.js';

const args = process.argv.slice(2);
const value = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (args.includes('--build') || !existsSync(join(DEFAULT_APP_DIR, 'index.html'))) {
  const { build } = await import('vite');
  await build({ configFile: fileURLToPath(new URL('../app/vite.config.ts', import.meta.url)) });
}
const lab = await serveLab({ port: value('--port') !== undefined ? Number(value('--port')) : 8080, host: value('--host'), open: args.includes('--open') });
console.log(`gradlab lab: ${lab.url}  (Ctrl+C stops it)`);
process.on('SIGINT', () => void lab.close().then(() => process.exit(0)));
