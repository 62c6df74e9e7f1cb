/**
 * The views of one run: its status, the doctor's findings with their remedies, and the charts
 * (loss and accuracy, activation and gradient histograms per layer, the gradient-norm heatmap,
 * the global norm before and after clipping, the gradient norm through time). The panel draws
 * from the report's view model of the record so far; `draw()` is called at most ~10 times a
 * second by the page's frame loop, and only when the run changed.
 */
import type { Finding } from '../../diagnostics/detectors/types.js';
import { runView, type RunView } from '../../report/view.js';
import { heatmapOption, histogramOption, linesOption, makeChart, multiplesHeight, show, type Chart } from './charts.js';
import { h, uid } from './dom.js';
import { fmt, getLang, t, tk, type Key } from './i18n/index.js';
import { findingText, labRemedies } from './remedy-map.js';
import { recordOf, type RunData } from './run-data.js';
import type { Controls } from './state.js';
import { gradHistView, spread, timeView } from './views.js';

const MAX_LAYERS = 12;

export interface PanelHandlers {
  onApply(run: RunData, changes: Partial<Controls>): void;
}

interface ChartSlot {
  box: HTMLElement;
  chart: Chart | null;
  empty: HTMLElement;
}

export class Panel {
  readonly el: HTMLElement;
  private drawn = -1;
  private follow = true;
  private stepIndex = 0;
  private findingsKey = '';
  private readonly status: HTMLElement;
  private readonly announce: HTMLElement;
  private announced = '';
  private readonly findingsBox: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly sliderOut: HTMLOutputElement;
  private readonly followBox: HTMLInputElement;
  private readonly layersNote: HTMLElement;
  private readonly slots: Record<'curves' | 'act' | 'grad' | 'heat' | 'clip' | 'time', ChartSlot>;

  constructor(
    private run: RunData,
    private readonly title: string,
    private readonly handlers: PanelHandlers,
  ) {
    const hid = uid('panel-h');
    const sid = uid('step');
    // the progress line changes ten times a second: only changes of state are announced
    this.status = h('p', { class: 'status' });
    this.announce = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.findingsBox = h('div', { class: 'findings' });
    this.slider = h('input', { type: 'range', id: sid, min: 0, max: 0, value: 0, step: 1, oninput: () => this.onSlide() });
    this.sliderOut = h('output', { for: sid });
    this.followBox = h('input', { type: 'checkbox', checked: true, onchange: () => this.onFollow() });
    this.layersNote = h('p', { class: 'note' });
    const slot = (key: Key, about: Key, cls = 'chart'): [HTMLElement, ChartSlot] => {
      const id = uid('chart');
      const box = h('div', { class: cls, id, 'aria-label': t(key) });
      const empty = h('p', { class: 'muted' }, t('noData'));
      const section = h('section', { class: 'view', 'aria-labelledby': `${id}-h` }, h('h3', { id: `${id}-h` }, t(key)), h('p', { class: 'about' }, t(about)), empty, box);
      return [section, { box, chart: null, empty }];
    };
    const [curves, sc] = slot('curves', 'curvesAbout');
    const [act, sa] = slot('actHist', 'actHistAbout', 'chart multiples');
    const [grad, sg] = slot('gradHist', 'gradHistAbout', 'chart multiples');
    const [heat, sh] = slot('heatmap', 'heatmapAbout');
    const [clip, sk] = slot('clipping', 'clippingAbout');
    const [time, st] = slot('timeChart', 'timeAbout');
    st.empty.textContent = t('noTime');
    this.slots = { curves: sc, act: sa, grad: sg, heat: sh, clip: sk, time: st };
    this.el = h(
      'section',
      { class: 'panel', 'aria-labelledby': hid, 'data-run': run.key },
      h('h2', { id: hid }, title),
      this.status,
      this.announce,
      h('section', { class: 'view', 'aria-labelledby': `${hid}-f` }, h('h3', { id: `${hid}-f` }, t('findings')), this.findingsBox),
      h(
        'div',
        { class: 'stepper' },
        h('label', { for: sid }, t('stepShown')),
        this.slider,
        this.sliderOut,
        h('label', { class: 'inline' }, this.followBox, ' ', t('followLatest')),
      ),
      act,
      this.layersNote,
      grad,
      curves,
      heat,
      clip,
      time,
    );
  }

  setRun(run: RunData): void {
    if (run !== this.run) {
      this.run = run;
      this.drawn = -1;
      this.follow = true;
      this.followBox.checked = true;
    }
  }

  get needsDraw(): boolean {
    return this.drawn !== this.run.version;
  }

  private onSlide(): void {
    this.follow = false;
    this.followBox.checked = false;
    this.stepIndex = Number(this.slider.value);
    this.drawn = -1;
    this.draw();
  }

  private onFollow(): void {
    this.follow = this.followBox.checked;
    this.drawn = -1;
    this.draw();
  }

  private statusText(): string {
    const r = this.run;
    const parts: string[] = [];
    switch (r.status) {
      case 'idle':
        parts.push(t('statusIdle'));
        break;
      case 'starting':
        parts.push(t('statusStarting'));
        break;
      case 'training':
        parts.push(t('statusTraining', { step: r.step, total: r.total }));
        break;
      case 'completed':
        parts.push(t('statusCompleted', { steps: r.step }));
        break;
      case 'stopped':
        parts.push(t('statusStopped', { step: r.step }));
        break;
      case 'failed':
        parts.push(t('statusFailed', { error: r.error ?? '' }));
        break;
      case 'invalid':
        parts.push(t('statusInvalid', { error: r.error ?? '' }));
        break;
      case 'loaded':
        parts.push(t('statusLoaded', { file: r.fileName ?? '', steps: r.steps.length }));
        break;
    }
    if (r.rate !== null) parts.push(t('speed', { rate: fmt(r.rate) }));
    if (r.engine !== null) parts.push(r.engine);
    return parts.join(' · ');
  }

  private drawFindings(findings: readonly Finding[]): void {
    const r = this.run;
    const key = `${getLang()}|${r.status === 'training' ? 't' : 'e'}|${r.controls ? JSON.stringify(r.controls) : ''}|${findings.map((f) => `${f.id}:${f.severity}:${f.layers.join(',')}`).join(';')}|${r.steps.length > 0}`;
    if (key === this.findingsKey) return;
    this.findingsKey = key;
    this.findingsBox.replaceChildren();
    if (findings.length === 0) {
      this.findingsBox.append(h('p', { class: r.steps.length > 0 ? 'ok' : 'muted' }, r.steps.length > 0 ? `✓ ${t('findingsNone')}` : t('findingsWaiting')));
      return;
    }
    const lang = getLang();
    for (const f of findings) {
      const text = findingText(f, lang);
      const remedies = labRemedies(f, lang, r.controls);
      const list = h('ol', { class: 'remedies' });
      for (const rem of remedies) {
        const li = h('li', {}, h('p', {}, rem.text));
        if (rem.code) li.append(h('details', { class: 'code' }, h('summary', {}, t('code')), h('pre', {}, h('code', {}, rem.code))));
        if (rem.changes !== null) {
          const changes = rem.changes;
          li.append(h('button', { type: 'button', class: 'apply', 'data-finding': f.id, onclick: () => this.handlers.onApply(this.run, changes) }, t('apply')));
        }
        list.append(li);
      }
      this.findingsBox.append(
        h(
          'article',
          { class: `finding sev-${f.severity}`, 'data-id': f.id },
          h('h4', {}, h('span', { class: 'badge' }, tk(f.severity)), ' ', text.message),
          h('p', { class: 'meta' }, `${f.id} · ${t('layersLabel')}: ${f.layers.join(', ') || '—'} · ${t('atStep')} ${f.step}`),
          h('details', {}, h('summary', {}, t('why')), h('p', {}, text.explanation)),
          remedies.length > 0 ? h('p', {}, h('strong', {}, t('remedies'))) : null,
          remedies.length > 0 ? list : null,
        ),
      );
    }
  }

  private chart(slot: ChartSlot, has: boolean): Chart | null {
    slot.empty.hidden = has;
    slot.box.hidden = !has;
    if (!has) return null;
    if (slot.chart === null) slot.chart = makeChart(slot.box);
    return slot.chart;
  }

  private cols(): number {
    const w = this.el.clientWidth;
    return w < 520 ? 2 : w < 860 ? 3 : 4;
  }

  /** Redraw from the run record so far (no-op when nothing changed since the last draw). */
  draw(): void {
    const r = this.run;
    if (this.drawn === r.version) return;
    this.drawn = r.version;
    this.status.textContent = this.statusText();
    if (r.status !== this.announced && r.status !== 'training') {
      this.announced = r.status;
      this.announce.textContent = `${this.title}: ${this.status.textContent}`;
    }
    this.drawFindings(r.findings);
    const record = recordOf(r);
    if (record === null) {
      for (const s of Object.values(this.slots)) this.chart(s, false);
      this.slider.max = '0';
      this.sliderOut.textContent = '';
      this.layersNote.textContent = '';
      return;
    }
    const v: RunView = runView({ record, metrics: r.metrics }, this.title);
    const n = v.hist.steps.length;
    this.slider.max = String(Math.max(0, n - 1));
    if (this.follow || this.stepIndex > n - 1) this.stepIndex = Math.max(0, n - 1);
    this.slider.value = String(this.stepIndex);
    this.slider.disabled = n <= 1;
    const shownStep = v.hist.steps[this.stepIndex];
    this.sliderOut.textContent = shownStep === undefined ? '' : `${t('step')} ${shownStep}`;

    // loss and accuracy
    const series = Object.entries(v.curves.series).map(([k, data]) => ({
      name: tk(k === 'loss' ? 'loss' : k),
      data,
      axis: (k === 'accuracy' || k === 'testAccuracy' ? 1 : 0) as 0 | 1,
      dashed: k.startsWith('test'),
    }));
    const c = this.chart(this.slots.curves, v.curves.step.length > 0);
    if (c) {
      const o = linesOption(v.curves.step, series, { what: t('curves'), xName: t('step'), yNames: [t('loss'), t('accuracy')] });
      show(c, o.option, o.description);
    }

    // the lecture's figure: activations and gradients per layer
    const layerIdx = spread(v.hist.layers.length, MAX_LAYERS);
    const cols = this.cols();
    const hasHist = v.hist.layers.length > 0 && n > 0;
    this.layersNote.textContent = v.hist.layers.length > MAX_LAYERS ? t('layersShown', { shown: layerIdx.length, total: v.hist.layers.length }) : '';
    const height = `${multiplesHeight(layerIdx.length, cols)}px`;
    const a = this.chart(this.slots.act, hasHist);
    if (a) {
      if (this.slots.act.box.style.height !== height) {
        this.slots.act.box.style.height = height;
        a.resize();
      }
      const o = histogramOption(v.hist, this.stepIndex, layerIdx, cols, t('actHist'));
      show(a, o.option, o.description);
    }
    const gv = gradHistView(record.steps, v.hist);
    const g = this.chart(this.slots.grad, hasHist && gv.bins.some((row) => row.some((b) => b !== null)));
    if (g) {
      if (this.slots.grad.box.style.height !== height) {
        this.slots.grad.box.style.height = height;
        g.resize();
      }
      const o = histogramOption(gv, this.stepIndex, layerIdx, cols, t('gradHist'));
      show(g, o.option, o.description);
    }

    // per-layer gradient norm over steps
    const hm = this.chart(this.slots.heat, v.heat.log10.some((row) => row.some((x) => x !== null)));
    if (hm) {
      const hh = `${Math.max(180, v.heat.layers.length * 18 + 60)}px`;
      if (this.slots.heat.box.style.height !== hh) {
        this.slots.heat.box.style.height = hh;
        hm.resize();
      }
      const o = heatmapOption(v.heat);
      show(hm, o.option, o.description);
    }

    // global norm before / after clipping
    const cl = this.chart(this.slots.clip, v.clip.before.some((x) => x !== null));
    if (cl) {
      const o = linesOption(v.clip.step, [{ name: t('before'), data: v.clip.before }, { name: t('after'), data: v.clip.after, dashed: true }], { what: t('clipping'), log: true, xName: t('step'), yNames: [t('gradTime')] });
      show(cl, o.option, o.description);
    }

    // recurrent nets: gradient norm through time at the shown step
    const tv = timeView(record.steps.find((s) => s.step === shownStep));
    const tc = this.chart(this.slots.time, tv.layers.length > 0);
    if (tc) {
      const o = linesOption(tv.t, tv.layers.map((name, i) => ({ name, data: tv.norms[i]! })), { what: t('timeChart'), log: true, xName: t('timeStep'), yNames: [t('gradTime')] });
      show(tc, o.option, o.description);
    }
  }

  resize(): void {
    this.drawn = -1;
    for (const s of Object.values(this.slots)) s.chart?.resize();
  }

  dispose(): void {
    for (const s of Object.values(this.slots)) s.chart?.dispose();
    this.el.remove();
  }
}
