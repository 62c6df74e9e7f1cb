import { GradlabError } from '../../tensor/errors.js';

/**
 * Data that cannot be loaded: a data set that is not found where it was looked for, an unknown
 * data set name, a request for more samples than a file holds. Corrupt bytes are a `FormatError`
 * (tensor/errors.ts); both are `GradlabError`s, so one catch handles every data problem.
 */
export class DataError extends GradlabError {}
