/** Self-contained HTML reports of run records (portable; the Node side is in ./node/). */
export { buildReport, type ReportOptions } from './build.js';
export { LABELS, REPORT_LANGS, type Labels, type ReportLang } from './i18n.js';
export { runLabels } from './labels.js';
export { runView, MAX_VIEW_STEPS, type MetricPoint, type ReportRun, type RunView } from './view.js';
