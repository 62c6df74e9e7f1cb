export * from './types.js';
export { runRecordSchema } from './schema.js';
export { readRunRecord } from './reader.js';
export { RunRecordWriter, encodeRunLine, formatRunRecord, type RunHeaderOptions } from './writer.js';
