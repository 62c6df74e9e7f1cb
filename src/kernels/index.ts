import { registerBackend } from './backend.js';
import { portableBackend } from './portable/index.js';

export * from './backend.js';
export { portableBackend } from './portable/index.js';
export * from './elementwise.js';
export * from './reduce.js';

registerBackend(portableBackend, true);
