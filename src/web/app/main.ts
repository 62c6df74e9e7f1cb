/**
 * The web lab's page: controls, the URL, the training workers, the panels and the frame loop.
 * The page renders; the workers train (one per configuration, terminated to stop) and send the
 * run record as it is written. Drawing runs in requestAnimationFrame at most every 100 ms, and
 * only for panels whose run changed, so drawing never holds the training back.
 */
import './styles.css';
import { readRunRecord } from '../../diagnostics/record/reader.js';
import { parseSpec, type Spec } from '../../lab/spec/index.js';
import { ControlForm } from './controls.js';
import { h } from './dom.js';
import { getLang, setLang, t, tk } from './i18n/index.js';
import { Panel } from './panel.js';
import { controlsOf, findPreset, listPresets } from './presets.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { emptyRun, type RunData } from './run-data.js';
import { specOf } from './spec.js';
import { SHARED_KEYS, decodeState, encodeState, type ControlKey, type Controls, type LabState, type Lang } from './state.js';
import { downloadRecords, downloadReport } from './files.js';

type Config = 'a' | 'b';

const MAX_KEPT_STEPS = 480;

const browserLang: Lang = (navigator.language ?? '').toLowerCase().startsWith('fr') ? 'fr' : 'en';
const presetControls = (key: string): Controls | null => {
  const p = findPreset(key);
  return p ? controlsOf(p.spec) : null;
};
const decoded = decodeState(location.hash, browserLang, presetControls);
let state: LabState = decoded.state;
let notice = decoded.ignored.length > 0 ? { key: 'invalidUrl' as const, list: decoded.ignored.join(', ') } : null;
let editing: Config = 'a';
const runs: { a: RunData; b: RunData | null; file: RunData | null } = { a: emptyRun('a', state.a), b: null, file: null };
const workers: Partial<Record<Config, Worker>> = {};
let nextRunId = 1;
const runIds: Partial<Record<Config, number>> = {};
let panels: Panel[] = [];
let form: ControlForm;
let root: HTMLElement;
let noticeEl: HTMLElement;
let panelsEl: HTMLElement;

setLang(state.lang);

// ——— URL ———

function writeUrl(): void {
  const hash = `#${encodeState(state)}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

window.addEventListener('hashchange', () => {
  if (location.hash === `#${encodeState(state)}`) return;
  const d = decodeState(location.hash, state.lang, presetControls);
  state = d.state;
  setLang(state.lang);
  editing = 'a';
  build();
  restart();
});

// ——— training ———

function baseSpec(): Spec | null {
  return findPreset(state.preset)?.spec ?? null;
}

function stopWorker(c: Config): void {
  workers[c]?.terminate();
  delete workers[c];
}

function start(c: Config): void {
  stopWorker(c);
  const controls = state[c];
  if (controls === null) return;
  const run = emptyRun(c, { ...controls });
  runs[c] = run;
  let spec: Spec;
  try {
    const preset = findPreset(state.preset);
    spec = specOf(controls, baseSpec(), preset ? `${preset.entry.id} (${preset.label})` : undefined);
  } catch (e) {
    run.status = 'invalid';
    run.error = e instanceof Error ? e.message : String(e);
    run.version++;
    return;
  }
  run.status = 'starting';
  run.total = spec.steps ?? 0;
  run.version++;
  const runId = nextRunId++;
  runIds[c] = runId;
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: `gradlab-train-${c}` });
  workers[c] = w;
  w.onmessage = (e: MessageEvent<FromWorker>) => onWorker(c, e.data);
  w.onerror = (e) => {
    if (runIds[c] !== runId) return;
    run.status = 'failed';
    run.error = e.message;
    run.version++;
  };
  const msg: ToWorker = { type: 'start', runId, spec, lang: state.lang, dataBase: new URL('data/', document.baseURI).href };
  w.postMessage(msg);
}

function onWorker(c: Config, m: FromWorker): void {
  const run = runs[c];
  if (run === null || m.runId !== runIds[c]) return;
  switch (m.type) {
    case 'ready':
      run.engine = t('engine', { backend: m.backend, threads: m.threads });
      break;
    case 'header':
      run.header = m.header;
      run.status = 'training';
      break;
    case 'step':
      run.steps.push(m.record);
      // a long run: keep the page's memory bounded (the views show at most 60 steps anyway);
      // every other older record goes, the first and the newest stay. The download is the worker's full record.
      if (run.steps.length > MAX_KEPT_STEPS) run.steps = run.steps.filter((_, i, all) => i % 2 === 0 || i === all.length - 1);
      break;
    case 'metrics':
      for (const p of m.points) run.metrics.push(p);
      run.step = run.metrics.length;
      run.total = m.total;
      run.rate = m.rate;
      break;
    case 'findings':
      run.findings = m.findings;
      break;
    case 'end': {
      // the steps came one by one; the end line is the record's last line
      const endLine = JSON.parse(m.lines[m.lines.length - 1] ?? '{}') as { type?: string };
      if (endLine.type === 'end') run.end = endLine as RunData['end'];
      run.findings = m.findings;
      run.metrics = m.metrics;
      run.lines = m.lines;
      run.status = m.status;
      run.error = m.error ?? null;
      run.step = m.metrics.length;
      run.rate = m.stepsPerSecond;
      stopWorker(c);
      break;
    }
    case 'error':
      run.status = 'failed';
      run.error = m.message;
      stopWorker(c);
      break;
  }
  run.version++;
}

function restart(): void {
  runs.file = null;
  start('a');
  if (state.b !== null) start('b');
  else {
    stopWorker('b');
    runs.b = null;
  }
  syncPanels();
}

function stopAll(): void {
  for (const c of ['a', 'b'] as Config[]) {
    const run = runs[c];
    stopWorker(c);
    if (run && (run.status === 'training' || run.status === 'starting')) {
      run.status = 'stopped';
      run.version++;
    }
  }
}

// ——— state changes ———

function setNotice(text: string): void {
  noticeEl.textContent = text;
}

function onControl(key: ControlKey, value: Controls[ControlKey]): void {
  const c = state[editing]!;
  (c as unknown as Record<string, unknown>)[key] = value;
  if (editing === 'a' && state.b !== null && SHARED_KEYS.includes(key)) (state.b as unknown as Record<string, unknown>)[key] = value;
  writeUrl();
  restart();
}

function describeChanges(changes: Partial<Controls>): string {
  return Object.entries(changes)
    .map(([k, v]) => `${tk(k)} → ${typeof v === 'string' ? tk(`${k}.${v}`) : typeof v === 'boolean' ? (v ? '✓' : '✗') : String(v)}`)
    .join(', ');
}

function applyRemedy(run: RunData, changes: Partial<Controls>): void {
  if (run.key === 'file') {
    if (run.controls === null) return;
    state = { ...state, preset: null, a: { ...run.controls, ...changes }, b: null };
    editing = 'a';
  } else {
    const c = run.key;
    state[c] = { ...state[c]!, ...changes };
    editing = c;
  }
  writeUrl();
  syncForm();
  restart();
  setNotice(t('applied', { changes: describeChanges(changes) }));
}

function choosePreset(key: string): void {
  const p = findPreset(key === '' ? null : key);
  state.preset = p?.key ?? null;
  if (p) {
    state.a = controlsOf(p.spec);
    if (state.b !== null) state.b = { ...state.a };
  }
  writeUrl();
  syncForm();
  restart();
}

function setCompare(on: boolean): void {
  state.b = on ? { ...state.a } : null;
  editing = 'a';
  writeUrl();
  build();
  restart();
}

async function openRecord(file: File): Promise<void> {
  stopAll();
  const run = emptyRun('file', null);
  run.fileName = file.name;
  try {
    const text = await file.text();
    const rec = readRunRecord(text);
    run.header = rec.header;
    run.steps = rec.steps;
    run.findings = rec.findings;
    run.end = rec.end;
    run.truncated = rec.truncated;
    run.lines = [text.endsWith('\n') ? text : `${text}\n`];
    run.status = 'loaded';
    run.step = rec.steps.length > 0 ? rec.steps[rec.steps.length - 1]!.step + 1 : 0;
    try {
      run.controls = controlsOf(parseSpec(rec.header.spec, file.name));
    } catch {
      run.controls = null; // not a lab spec: its remedies show as text and code only
    }
  } catch (e) {
    run.status = 'failed';
    run.error = t('statusLoadFailed', { file: file.name, error: e instanceof Error ? e.message : String(e) });
  }
  run.version++;
  runs.file = run;
  runs.a = emptyRun('a', state.a);
  runs.b = null;
  syncPanels();
}

function shownRuns(): RunData[] {
  if (runs.file !== null) return [runs.file];
  return runs.b !== null ? [runs.a, runs.b] : [runs.a];
}

// ——— DOM ———

function panelTitle(run: RunData): string {
  if (run.key === 'file') return `${t('viewsOf')} ${t('recordedFile', { file: run.fileName ?? '' })}`;
  return `${t('viewsOf')} ${t('configLabel', { config: run.key.toUpperCase() })}`;
}

function syncPanels(): void {
  const want = shownRuns();
  const same = panels.length === want.length && panels.every((p, i) => p.el.dataset.run === want[i]!.key);
  if (!same) {
    for (const p of panels) p.dispose();
    panels = want.map((r) => new Panel(r, panelTitle(r), { onApply: applyRemedy }));
    panelsEl.replaceChildren(...panels.map((p) => p.el));
    panelsEl.classList.toggle('two', panels.length === 2);
  } else panels.forEach((p, i) => p.setRun(want[i]!));
}

function syncForm(): void {
  const c = state[editing] ?? state.a;
  form.set(c);
  form.lockShared(editing === 'b');
  const sel = root.querySelector<HTMLSelectElement>('#preset');
  if (sel) sel.value = state.preset ?? '';
  const about = root.querySelector<HTMLElement>('#preset-about');
  if (about) {
    const p = findPreset(state.preset);
    about.hidden = p === null;
    about.querySelector('p')!.textContent = p ? p.entry.about[state.lang] : '';
  }
  for (const r of root.querySelectorAll<HTMLInputElement>('input[name="editing"]')) r.checked = r.value === editing;
}

function build(): void {
  for (const p of panels) p.dispose();
  panels = [];
  document.documentElement.lang = state.lang;
  document.title = t('appTitle');
  const lang = getLang();
  const presetSel = h('select', { id: 'preset', onchange: (e) => choosePreset((e.target as HTMLSelectElement).value) }, h('option', { value: '' }, t('presetNone')));
  let group: HTMLOptGroupElement | null = null;
  for (const p of listPresets()) {
    if (group === null || group.dataset.id !== p.entry.id) {
      group = h('optgroup', { label: p.entry.title[lang], 'data-id': p.entry.id });
      presetSel.append(group);
    }
    group.append(h('option', { value: p.key }, `${p.entry.id}: ${p.label}`));
  }
  const fileInput = h('input', { type: 'file', id: 'open-record', accept: '.jsonl,.json,.txt,application/jsonl', class: 'visually-hidden', tabindex: -1 });
  fileInput.addEventListener('change', () => {
    const f = fileInput.files?.[0];
    if (f) void openRecord(f);
    fileInput.value = '';
  });
  form = new ControlForm(onControl);
  const langSel = h('select', { id: 'lang', onchange: (e) => switchLang((e.target as HTMLSelectElement).value as Lang) }, h('option', { value: 'en' }, t('langEn')), h('option', { value: 'fr' }, t('langFr')));
  langSel.value = state.lang;
  const compare = h('input', { type: 'checkbox', id: 'compare', checked: state.b !== null, onchange: (e) => setCompare((e.target as HTMLInputElement).checked) });
  const tabs =
    state.b === null
      ? null
      : h(
          'fieldset',
          { class: 'tabs' },
          h('legend', {}, t('editing')),
          ...(['a', 'b'] as Config[]).map((c) =>
            h(
              'label',
              { class: 'inline' },
              h('input', { type: 'radio', name: 'editing', value: c, checked: editing === c, onchange: () => { editing = c; syncForm(); } }),
              ' ',
              t(c === 'a' ? 'configA' : 'configB'),
            ),
          ),
          h('p', { class: 'note' }, t('sharedNote')),
        );
  noticeEl = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  panelsEl = h('div', { class: 'panels' });
  root = h(
    'div',
    { class: 'app' },
    h('a', { href: '#views', class: 'skip', onclick: (e) => { e.preventDefault(); document.getElementById('views')?.focus(); } }, t('skip')),
    h(
      'header',
      { class: 'top' },
      h('div', {}, h('h1', {}, t('appTitle')), h('p', { class: 'tagline' }, t('tagline'))),
      h('div', { class: 'field lang' }, h('label', { for: 'lang' }, t('language')), langSel),
    ),
    h(
      'main',
      {},
      h(
        'section',
        { class: 'controls', 'aria-labelledby': 'controls-h' },
        h('h2', { id: 'controls-h', class: 'visually-hidden' }, t('controls')),
        h('div', { class: 'field' }, h('label', { for: 'preset' }, t('preset')), presetSel),
        h('details', { id: 'preset-about' }, h('summary', {}, t('presetAbout')), h('p', {})),
        h(
          'div',
          { class: 'buttons' },
          h('button', { type: 'button', id: 'train', class: 'primary', onclick: () => restart() }, t('train')),
          h('button', { type: 'button', id: 'stop', onclick: () => stopAll() }, t('stop')),
          h('button', { type: 'button', id: 'copy-link', onclick: () => void copyLink() }, t('copyLink')),
        ),
        h('div', { class: 'field check' }, compare, h('label', { for: 'compare' }, t('compare'))),
        tabs,
        form.el,
        h(
          'div',
          { class: 'buttons files' },
          h('label', { for: 'open-record', class: 'button', role: 'button', tabindex: 0, onkeydown: (e) => { const k = (e as KeyboardEvent).key; if (k === 'Enter' || k === ' ') { e.preventDefault(); fileInput.click(); } } }, t('open')),
          fileInput,
          h('button', { type: 'button', id: 'download-record', onclick: () => downloadRecords(shownRuns()) }, t('downloadRecord')),
          h('button', { type: 'button', id: 'download-report', onclick: () => void downloadReport(shownRuns(), state.lang, (m) => setNotice(m)) }, t('downloadReport')),
        ),
        noticeEl,
      ),
      h('section', { id: 'views', class: 'views', tabindex: -1, 'aria-label': t('views') }, panelsEl),
    ),
    h('footer', {}, h('p', {}, t('footer'))),
  );
  document.body.replaceChildren(root);
  if (notice) setNotice(t(notice.key, { list: notice.list }));
  notice = null;
  syncForm();
  syncPanels();
}

async function copyLink(): Promise<void> {
  try {
    await navigator.clipboard.writeText(location.href);
    setNotice(t('linkCopied'));
  } catch {
    setNotice(location.href);
  }
}

function switchLang(l: Lang): void {
  state.lang = l;
  setLang(l);
  writeUrl();
  build();
  document.getElementById('lang')?.focus();
  for (const r of [runs.a, runs.b, runs.file]) if (r) r.version++;
}

// ——— frame loop: at most one drawing pass per 100 ms ———

let lastDraw = 0;
function frame(now: number): void {
  if (now - lastDraw >= 100) {
    const shown = shownRuns();
    const rec = document.getElementById('download-record') as HTMLButtonElement | null;
    const rep = document.getElementById('download-report') as HTMLButtonElement | null;
    if (rec) rec.disabled = !shown.some((r) => r.lines !== null);
    if (rep) rep.disabled = !shown.some((r) => r.header !== null && r.status !== 'training' && r.status !== 'starting');
    for (const p of panels)
      if (p.needsDraw) {
        p.draw();
        lastDraw = now;
      }
  }
  requestAnimationFrame(frame);
}

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => panels.forEach((p) => p.resize()), 150);
});

/** For tests and the curious: the state and the runs as the page holds them. */
(window as unknown as { gradlabLab: unknown }).gradlabLab = {
  state: () => structuredClone(state),
  runs: () => shownRuns(),
  editing: () => editing,
};

build();
writeUrl();
restart();
requestAnimationFrame(frame);
