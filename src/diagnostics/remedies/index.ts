/** Structured remedies: choose them for a finding, write them as code, apply them to a model. */
export { applyRemedy, type ApplyRemedyOptions } from './apply.js';
export { chooseRemedies, type RemedyKey, type Suggestion } from './choose.js';
export { remedyCode } from './code.js';
export type * from './types.js';
