/**
 * `gradlab serve`: the web lab (the built app in dist/web/app) on 127.0.0.1, cross-origin
 * isolated (COOP/COEP headers) so that its worker pool can use SharedArrayBuffer threads. Runs
 * until Ctrl-C (or until `signal` aborts, for tests).
 */
import { serveLab } from '../../web/node/serve.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';

export interface ServeOptions {
  port: string;
  host: string;
  open: boolean;
}

export async function serveCommand(ctx: Ctx, o: ServeOptions, signal?: AbortSignal): Promise<number> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got '${o.port}'`);
  const lab = await serveLab({ port, host: o.host, open: o.open });
  if (ctx.json) ctx.out.write(`${JSON.stringify({ command: 'serve', url: lab.url, port: lab.port })}\n`);
  ctx.say(`${ctx.lang === 'fr' ? 'Le laboratoire web' : 'The web lab'}: ${ctx.c.cyan(lab.url)}`);
  ctx.say(ctx.c.dim(ctx.lang === 'fr' ? 'Ctrl-C pour arrêter.' : 'Ctrl-C to stop.'));
  await new Promise<void>((done) => {
    const stop = (): void => void lab.close().then(done, done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  return EXIT.ok;
}
