/**
 * JSON Schema (draft 2020-12) of one line of a run record. A run record is JSON Lines, so the
 * schema describes a line: a header, a step, a finding or the end. `readRunRecord` validates
 * with this very object (through the small interpreter in validate.ts), so the documented
 * schema and the reader cannot drift apart; a test checks the same samples with ajv.
 */
const num = { $ref: '#/$defs/num' } as const;
const numOrNull = { anyOf: [{ $ref: '#/$defs/num' }, { type: 'null' }] } as const;
const count = { type: 'integer', minimum: 0 } as const;
const share = { type: 'number', minimum: 0, maximum: 1 } as const;

export const runRecordSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://gradlab.dev/schemas/run-record/v1/line.json',
  title: 'gradlab run record line (format gradlab-run-record, version 1)',
  description:
    'One line of a run record (JSON Lines, UTF-8; a byte-order mark at the very start of the file is ignored by readers).',
  oneOf: [{ $ref: '#/$defs/header' }, { $ref: '#/$defs/step' }, { $ref: '#/$defs/finding' }, { $ref: '#/$defs/end' }],
  $defs: {
    num: {
      description: 'A number; non-finite values are written as the strings NaN, Infinity, -Infinity.',
      anyOf: [{ type: 'number' }, { enum: ['NaN', 'Infinity', '-Infinity'] }],
    },
    header: {
      type: 'object',
      required: ['type', 'format', 'version', 'createdAt', 'library', 'seed', 'spec', 'environment'],
      additionalProperties: false,
      properties: {
        type: { const: 'header' },
        format: { const: 'gradlab-run-record' },
        version: { type: 'integer', minimum: 1 },
        createdAt: { type: ['string', 'null'] },
        library: {
          type: 'object',
          required: ['name', 'version'],
          additionalProperties: false,
          properties: { name: { type: 'string' }, version: { type: 'string' } },
        },
        seed: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
        spec: {},
        environment: {
          type: 'object',
          additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
        },
        probe: {},
      },
    },
    quantiles: {
      type: 'object',
      required: ['levels', 'values', 'exact', 'sampleSize'],
      additionalProperties: false,
      properties: {
        levels: { type: 'array', items: share },
        values: { type: 'array', items: num },
        exact: { type: 'boolean' },
        sampleSize: count,
      },
    },
    histogram: {
      type: 'object',
      required: ['lo', 'hi', 'counts', 'under', 'over'],
      additionalProperties: false,
      properties: {
        lo: { type: 'number' },
        hi: { type: 'number' },
        counts: { type: 'array', items: count },
        under: count,
        over: count,
      },
    },
    tensor: {
      type: 'object',
      required: ['count', 'finite', 'mean', 'std', 'rms', 'norm', 'min', 'max', 'zeros', 'nan', 'posInf', 'negInf'],
      additionalProperties: false,
      properties: {
        count,
        finite: count,
        mean: num,
        std: num,
        rms: num,
        norm: num,
        min: num,
        max: num,
        zeros: share,
        nan: count,
        posInf: count,
        negInf: count,
        quantiles: { $ref: '#/$defs/quantiles' },
        histogram: { $ref: '#/$defs/histogram' },
      },
    },
    layer: {
      type: 'object',
      required: ['name', 'type', 'kind', 'index', 'calls'],
      additionalProperties: false,
      properties: {
        name: { type: 'string' },
        type: { type: 'string' },
        kind: {
          enum: ['linear', 'conv', 'recurrent', 'norm', 'tanh', 'sigmoid', 'relu', 'activation', 'dropout', 'embedding', 'other'],
        },
        index: count,
        calls: count,
        output: { $ref: '#/$defs/tensor' },
        input: { $ref: '#/$defs/tensor' },
        grad: { $ref: '#/$defs/tensor' },
        gain: num,
        jacobian: num,
        saturation: share,
        dead: share,
        timeRms: { type: 'array', items: num },
        timeSteps: { type: 'array', items: count },
        timeGradNorm: { type: 'array', items: num },
        timeJacobian: { type: 'array', items: num },
        spectralRadius: num,
        op: { type: 'string' },
      },
    },
    param: {
      type: 'object',
      required: ['name', 'layer', 'shape', 'norm', 'gradNorm', 'update', 'nonFinite', 'gradNonFinite'],
      additionalProperties: false,
      properties: {
        name: { type: 'string' },
        layer: { type: 'string' },
        shape: { type: 'array', items: count },
        norm: num,
        gradNorm: numOrNull,
        update: numOrNull,
        nonFinite: count,
        gradNonFinite: count,
        duplicateRows: share,
      },
    },
    step: {
      type: 'object',
      required: ['type', 'step', 'loss', 'lr', 'gradNorm', 'gradNormClipped', 'layers', 'params'],
      additionalProperties: false,
      properties: {
        type: { const: 'step' },
        step: count,
        loss: numOrNull,
        lr: { type: 'array', items: { type: 'number' } },
        gradNorm: numOrNull,
        gradNormClipped: numOrNull,
        layers: { type: 'array', items: { $ref: '#/$defs/layer' } },
        params: { type: 'array', items: { $ref: '#/$defs/param' } },
        nonFinite: {
          type: 'object',
          required: ['pass', 'op', 'module', 'cause'],
          additionalProperties: false,
          properties: {
            pass: { enum: ['forward', 'backward'] },
            op: { type: 'string' },
            module: { type: ['string', 'null'] },
            cause: { enum: ['op', 'input', 'weight', 'gradient'] },
          },
        },
        metrics: { type: 'object', additionalProperties: num },
      },
    },
    finding: {
      type: 'object',
      required: ['type', 'id', 'severity', 'layers', 'step', 'evidence', 'message', 'explanation', 'remedies'],
      additionalProperties: false,
      properties: {
        type: { const: 'finding' },
        id: {
          enum: [
            'vanishing-gradients', 'exploding-gradients', 'saturation', 'dead-units', 'activation-collapse',
            'activation-explosion', 'broken-symmetry', 'update-ratio-high', 'update-ratio-low', 'non-finite',
            'vanishing-through-time', 'exploding-through-time',
          ],
        },
        severity: { enum: ['info', 'warning', 'critical'] },
        layers: { type: 'array', items: { type: 'string' } },
        step: count,
        evidence: {
          type: 'object',
          additionalProperties: {
            anyOf: [
              { $ref: '#/$defs/num' },
              { type: 'string' },
              { type: 'array', items: { $ref: '#/$defs/num' } },
              { type: 'array', items: { type: 'string' } },
            ],
          },
        },
        message: { type: 'string' },
        explanation: { type: 'string' },
        remedies: {
          type: 'array',
          items: {
            type: 'object',
            required: ['text'],
            additionalProperties: false,
            properties: { text: { type: 'string' }, code: { type: 'string' } },
          },
        },
      },
    },
    end: {
      type: 'object',
      required: ['type', 'steps', 'status'],
      additionalProperties: false,
      properties: {
        type: { const: 'end' },
        steps: count,
        status: { enum: ['completed', 'failed', 'stopped'] },
        error: { type: 'string' },
      },
    },
  },
} as const;
