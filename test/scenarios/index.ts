/** The doctor's scenario suite: broken networks and healthy standard recipes (see types.ts). */
export { BROKEN } from './broken.js';
export { HEALTHY } from './healthy.js';
export * from './types.js';
import { BROKEN } from './broken.js';
import { HEALTHY } from './healthy.js';
export const SCENARIOS = [...BROKEN, ...HEALTHY];
