/** `gradlab list`: the catalogue, one line per entry. */
// The engine set up before any kernel compiles (engine.ts), for this command and what it loads.
import '../engine.js';
import { CATALOGUE } from '../../lab/catalogue/index.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { table } from '../format.js';

export function listCommand(ctx: Ctx, o: { json: boolean }): number {
  if (ctx.json) {
    const entries = CATALOGUE.map((e) => ({
      id: e.id,
      title: e.title[ctx.lang],
      about: e.about[ctx.lang],
      remedies: e.remedies,
      variants: e.variants.map((v) => v.label),
      measure: e.measure !== undefined,
    }));
    ctx.out.write(`${JSON.stringify({ command: 'list', entries }, null, 2)}\n`);
    return EXIT.ok;
  }
  const rows = CATALOGUE.map((e) => [ctx.c.bold(e.id), e.title[ctx.lang], e.remedies.join(', '), String(Math.max(1, e.variants.length)) + (e.measure ? ' + table' : '')]);
  ctx.say(table(ctx.lang === 'fr' ? ['entrée', 'titre', 'remèdes', 'exécutions'] : ['entry', 'title', 'remedies', 'runs'], rows, ctx.c, ['left', 'left', 'left', 'right']));
  ctx.say('');
  ctx.say(ctx.c.dim(ctx.lang === 'fr' ? 'gradlab run <entrée> [--quick] lance une entrée ; gradlab run <entrée> --help pour les options.' : 'gradlab run <entry> [--quick] runs one; gradlab run --help for the options.'));
  return EXIT.ok;
}
