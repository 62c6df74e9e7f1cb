/**
 * The catalogue (`gradlab list`): the lecture's experiments and the classic papers' experiments as
 * named specs with an English and a French paragraph. docs/lab.md is its reference.
 */
import { GradlabError } from '../../tensor/errors.js';
import { closest } from '../spec/index.js';
import type { CatalogueEntry } from './types.js';
import { initTanh } from './init-tanh.js';
import { initRelu } from './init-relu.js';
import { constantInit } from './constant-init.js';
import { depth } from './depth.js';
import { clipping } from './clipping.js';
import { residual } from './residual.js';
import { normalization } from './normalization.js';
import { activations } from './activations.js';
import { optimizers } from './optimizers.js';
import { regularization } from './regularization.js';
import { nielsenCh5 } from './nielsen-ch5.js';
import { glorot2010 } from './glorot-2010.js';
import { he2015 } from './he-2015.js';
import { ioffe2015 } from './ioffe-2015.js';
import { wuHe2018 } from './wu-he-2018.js';

export * from './types.js';
export { entrySpecs, runEntry, applySets } from './specs.js';

export const CATALOGUE: readonly CatalogueEntry[] = Object.freeze([
  initTanh, initRelu, constantInit, depth, clipping, residual, normalization, activations, optimizers, regularization,
  nielsenCh5, glorot2010, he2015, ioffe2015, wuHe2018,
]);

/** An id that is not in the catalogue. */
export class UnknownEntryError extends GradlabError {}

/** The entry with this id; an unknown id is an UnknownEntryError that lists the ids and suggests the closest. */
export function getEntry(id: string): CatalogueEntry {
  const e = CATALOGUE.find((x) => x.id === id);
  if (e) return e;
  const ids = CATALOGUE.map((x) => x.id);
  const near = closest(id, ids);
  throw new UnknownEntryError(
    'catalogue',
    `no entry '${id}'${near ? `; did you mean '${near}'?` : ''} The entries are ${ids.join(', ')} (gradlab list).`,
  );
}
