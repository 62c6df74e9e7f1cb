import type { Backend } from '../backend.js';
import { gemmPortable } from './gemm.js';
import { col2imPortable, im2colPortable } from './im2col.js';

/** The portable TypeScript backend: runs anywhere JavaScript runs. */
export const portableBackend: Backend = {
  name: 'portable',
  gemm: gemmPortable,
  im2col: im2colPortable,
  col2im: col2imPortable,
};
