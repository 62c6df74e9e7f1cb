/** The report's stylesheet: readable on screen, plain on paper (charts keep their size, no page breaks inside a figure). */
export const REPORT_CSS = `
:root { --fg: #1b1f24; --muted: #5b6470; --line: #d8dde3; --bg-soft: #f5f7f9; --accent: #0b5cad;
  --crit: #b3261e; --warn: #a15c00; --info: #2f5f8f; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--fg); background: #fff; font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
main { max-width: 74rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; letter-spacing: -.01em; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .5rem; padding-top: .5rem; border-top: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .4rem; }
p.about, .muted { color: var(--muted); max-width: 62rem; }
code, pre { font: .88rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
nav.toc { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 8px; padding: .6rem 1.2rem; margin: 1rem 0; display: inline-block; min-width: 20rem; }
nav.toc h2 { border: 0; margin: .2rem 0; padding: 0; font-size: 1rem; }
nav.toc ol { margin: .2rem 0; padding-left: 1.3rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .7rem; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; }
td.num, th.num { text-align: right; }
.chart { width: 100%; height: 320px; margin: .5rem 0 1rem; }
.figure { break-inside: avoid; page-break-inside: avoid; }
.slider { display: flex; align-items: center; gap: .8rem; margin: .5rem 0; }
.slider input { flex: 1; max-width: 28rem; }
.badge { display: inline-block; font-size: .75rem; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; border-radius: 4px; padding: .05rem .45rem; color: #fff; vertical-align: .1rem; margin-right: .4rem; }
.sev-critical .badge { background: var(--crit); }
.sev-warning .badge { background: var(--warn); }
.sev-info .badge { background: var(--info); }
article.finding { border-left: 4px solid var(--line); padding: .2rem 0 .2rem 1rem; margin: 1rem 0; break-inside: avoid; }
article.finding.sev-critical { border-color: var(--crit); }
article.finding.sev-warning { border-color: var(--warn); }
article.finding.sev-info { border-color: var(--info); }
article.finding h4 { margin: .2rem 0; font-size: 1rem; }
article.finding .meta { color: var(--muted); font-size: .88rem; margin: .1rem 0 .4rem; }
article.finding ol { padding-left: 1.3rem; }
.ok { color: #1d6b2f; font-weight: 600; }
.status-failed { color: var(--crit); font-weight: 600; }
.noscript { background: #fff5d6; border: 1px solid #e5c96b; padding: .4rem .8rem; border-radius: 6px; }
html.js .noscript { display: none; }
@media print {
  html { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: block; border: 0; padding: 0; }
  h2 { break-before: auto; break-after: avoid; }
  .slider { display: none; }
  .chart { width: 17cm; }
  pre { white-space: pre-wrap; }
  a { color: inherit; text-decoration: none; }
}
`;
