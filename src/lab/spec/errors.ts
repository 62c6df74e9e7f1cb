import { GradlabError } from '../../tensor/errors.js';

/** One bad field of a spec. */
export interface SpecIssue {
  /** Dotted path of the field (`model.activation`, `sweep["model.depth"]`, '' for the whole spec). */
  path: string;
  /** What is wrong and what was expected, with a "did you mean …" when a valid value is close. */
  message: string;
}

/**
 * An experiment spec that does not validate. The message lists every bad field by its path,
 * what was expected and the closest valid value; `issues` has them one by one.
 */
export class SpecError extends GradlabError {
  readonly issues: readonly SpecIssue[];
  /** The file (or other origin) of the spec, when known. */
  readonly where: string | null;
  constructor(issues: readonly SpecIssue[], where?: string | null) {
    const w = where ?? null;
    const head = `${w === null ? 'invalid spec' : `invalid spec in ${w}`}`;
    const body =
      issues.length === 1
        ? `${head}: ${fmt(issues[0]!)}`
        : `${head}, ${issues.length} problems:\n${issues.map((i) => `  - ${fmt(i)}`).join('\n')}`;
    super('spec', body);
    this.issues = issues;
    this.where = w;
  }
}

function fmt(i: SpecIssue): string {
  return i.path === '' ? i.message : `${i.path}: ${i.message}`;
}
