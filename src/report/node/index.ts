export { loadChartLib, writeReport } from './write-report.js';
