/**
 * The doctor: probes that watch every layer while a model trains, detectors that name what goes
 * wrong, explanations in the lecture's terms (en, fr), one-call diagnosis, and the run record.
 * See docs/doctor.md and docs/run-record.md.
 */
export { Probe, type ProbeStepInfo, type OptimizerLike, type ProbeState } from './probe.js';
export { type ProbeOptions, type ResolvedProbeOptions, describeProbeOptions } from './probe-options.js';
export { diagnose, type DiagnoseOptions, type Diagnosis } from './diagnose.js';
export { runDetectors, DEFAULT_THRESHOLDS, FINDING_IDS, type DetectorOptions } from './detectors/index.js';
export type { Finding, RawFinding, FindingId, Severity, Remedy, EvidenceValue } from './detectors/types.js';
export { explain, codeFlavour, LANGS, type Lang, type CodeFlavour, type ExplainOptions } from './explain/index.js';
export { layerKind, DEFAULT_KINDS } from './layer-kind.js';
export { jacobianMsv } from './jacobian.js';
export * from './stats.js';
export * from './quantiles.js';
export * from './histogram.js';
export { saturationShare, deadUnitShare, duplicateRows, DEFAULT_SATURATION, type SaturationThresholds, type DuplicateUnits } from './unit-stats.js';
export * from './record/index.js';
export { formatFindings, formatFinding, describeLayers, type FormatOptions } from './format.js';
export { applyRemedy, chooseRemedies, remedyCode, type ApplyRemedyOptions, type RemedyAction, type AppliedRemedy } from './remedies/index.js';
