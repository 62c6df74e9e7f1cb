/**
 * Typed errors. Every message names the operation, the offending shapes or values, and the fix.
 * Catch `GradlabError` for all of them, or a subclass for one kind.
 */
export class GradlabError extends Error {
  /** The operation or function that refused its input, e.g. `matmul`. */
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together (broadcasting, matmul, reshape, conv geometry…). */
export class ShapeError extends GradlabError {}

/** An option or argument outside its domain (negative probability, unknown mode, bad dim…). */
export class ValueError extends GradlabError {}

/** Misuse of the autograd tape (backward twice through a freed graph, in-place on a leaf…). */
export class AutogradError extends GradlabError {}

/** A non-finite value where a finite one is required (clipGradNorm_ with errorIfNonfinite…). */
export class NonFiniteError extends GradlabError {}

/** A file or byte buffer that is not what it claims to be (corrupt, truncated, unsupported). */
export class FormatError extends GradlabError {}

/** A file that cannot be read or written: missing, a directory, no permission, a full disk… (`code` is Node's, e.g. ENOENT). */
export class FileError extends GradlabError {
  /** The system error code (ENOENT, EISDIR, EACCES…), when there is one. */
  code?: string;
}

export function fmtShape(shape: readonly number[]): string {
  if (!Array.isArray(shape)) throw new ValueError('fmtShape', `expected a shape (an array of sizes), got ${shape === null ? 'null' : typeof shape}`);
  return `[${shape.join(',')}]`;
}
