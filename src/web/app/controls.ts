/**
 * The control form: native, labelled <select>, <input type="number"> and checkboxes in
 * fieldsets, so every control works with a keyboard and a screen reader. A change calls
 * `onChange(key, value)` with a valid value; an invalid number is marked (aria-invalid) and
 * waits for a valid one.
 */
import { h } from './dom.js';
import { t, tk, type Key } from './i18n/index.js';
import { CHOICES, DEFAULT_CONTROLS, RANGES, parseControl, type ControlKey, type Controls } from './state.js';

const GROUPS: [Key, ControlKey[]][] = [
  ['groupModel', ['model', 'depth', 'width', 'activation']],
  ['groupInit', ['init', 'initValue', 'gain', 'bias']],
  ['groupNorm', ['norm', 'residual', 'dropout', 'weightDecay']],
  ['groupOptim', ['optimizer', 'lr', 'clip', 'clipAt', 'batchSize']],
  ['groupData', ['data', 'seed', 'steps', 'every']],
];

export class ControlForm {
  readonly el: HTMLElement;
  private readonly inputs = new Map<ControlKey, HTMLInputElement | HTMLSelectElement>();

  constructor(private readonly onChange: (key: ControlKey, value: Controls[ControlKey]) => void) {
    this.el = h('div', { class: 'control-groups' });
    for (const [group, keys] of GROUPS) {
      const fs = h('fieldset', {}, h('legend', {}, t(group)));
      for (const k of keys) fs.append(this.control(k));
      this.el.append(fs);
    }
  }

  private control(k: ControlKey): HTMLElement {
    const id = `ctl-${k}`;
    const d = DEFAULT_CONTROLS[k];
    let input: HTMLInputElement | HTMLSelectElement;
    if (typeof d === 'boolean') {
      input = h('input', { type: 'checkbox', id, name: k });
      input.addEventListener('change', () => this.onChange(k, (input as HTMLInputElement).checked as never));
      this.inputs.set(k, input);
      return h('div', { class: 'field check' }, input, h('label', { for: id }, t(k as Key)));
    }
    if (typeof d === 'number') {
      const [min, max, step] = RANGES[k]!;
      input = h('input', { type: 'number', id, name: k, min, max, step, inputmode: step === 1 ? 'numeric' : 'decimal', required: true });
      input.addEventListener('change', () => {
        const v = parseControl(k, input.value);
        input.setAttribute('aria-invalid', v === undefined ? 'true' : 'false');
        if (v !== undefined) this.onChange(k, v);
      });
    } else {
      input = h('select', { id, name: k });
      for (const c of CHOICES[k]!) input.append(h('option', { value: c }, tk(`${k}.${c}`)));
      input.addEventListener('change', () => this.onChange(k, input.value as never));
    }
    this.inputs.set(k, input);
    return h('div', { class: 'field' }, h('label', { for: id }, t(k as Key)), input);
  }

  /** Show these values (without firing changes). */
  set(c: Controls): void {
    for (const [k, input] of this.inputs) {
      const v = c[k];
      if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = v as boolean;
      else input.value = String(v);
      input.setAttribute('aria-invalid', 'false');
    }
  }

  /** Data and seed are A's when editing B (side by side shares them). */
  lockShared(locked: boolean): void {
    for (const k of ['data', 'seed'] as ControlKey[]) this.inputs.get(k)!.disabled = locked;
  }

  input(k: ControlKey): HTMLInputElement | HTMLSelectElement {
    return this.inputs.get(k)!;
  }
}
