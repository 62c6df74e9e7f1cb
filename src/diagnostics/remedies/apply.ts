/**
 * `applyRemedy(model, remedy, { optimizer })`: carry out a structured remedy on the model as
 * given — any module tree, not only `mlp`s. Weights are changed in place (the optimizer keeps
 * its references); swapped activation modules have no parameters, so the optimizer needs no new
 * group. What the loop itself must do (clip) is returned.
 */
import { ValueError } from '../../tensor/errors.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { Module } from '../../nn/module.js';
import type { Parameter } from '../../nn/parameter.js';
import { Linear } from '../../nn/layers/linear.js';
import { Conv2d } from '../../nn/layers/conv.js';
import { LeakyReLU, ReLU, Sigmoid, Tanh } from '../../nn/layers/activation.js';
import { LSTM, LSTMCell } from '../../nn/layers/lstm.js';
import { GRU, GRUCell } from '../../nn/layers/gru.js';
import { constant_, kaimingNormal_, orthogonal_, xavierNormal_, zeros_ } from '../../nn/init.js';
import type { ActivationClass, AppliedRemedy, InitRemedy, RemedyAction } from './types.js';

const OP = 'applyRemedy';

export interface ApplyRemedyOptions {
  /** Needed by learning-rate remedies. */
  optimizer?: { paramGroups: { lr: number }[] } | null;
}

const CLASSES: Record<ActivationClass, new () => Module> = { Sigmoid, Tanh, ReLU, LeakyReLU };

const affine = (m: Module): m is Linear | Conv2d => m instanceof Linear || m instanceof Conv2d;

function init(model: Module, a: InitRemedy): number {
  let n = 0;
  for (const m of model.modules()) {
    if (!affine(m)) continue;
    if (a.scheme === 'kaimingNormal') kaimingNormal_(m.weight, a.nonlinearity === 'leaky_relu' ? { a: 0.01, nonlinearity: 'leaky_relu' } : { nonlinearity: 'relu' });
    else if (a.scheme === 'xavierNormal') xavierNormal_(m.weight, { gain: a.gain ?? 1 });
    else orthogonal_(m.weight, { gain: a.gain ?? 1 });
    if (a.zeroBias && m.bias) zeros_(m.bias);
    n++;
  }
  return n;
}

function swap(model: Module, from: ActivationClass, to: ActivationClass): number {
  const From = CLASSES[from];
  const To = CLASSES[to];
  let n = 0;
  for (const parent of [...model.modules()])
    for (const [key, child] of [...parent.namedChildren()])
      if (child instanceof From && child.constructor === From) {
        const fresh = new To();
        fresh.training = child.training;
        parent.registerModule(key, fresh);
        n++;
      }
  return n;
}

export function applyRemedy(model: Module, remedy: RemedyAction, opts: ApplyRemedyOptions = {}): AppliedRemedy {
  if (!(model instanceof Module)) throw new ValueError(OP, 'expected a Module as first argument');
  if (!remedy || typeof remedy !== 'object') throw new ValueError(OP, "expected a remedy such as { kind: 'init', scheme: 'kaimingNormal' } (finding.remedies[i].action)");
  return noGrad(() => {
    switch (remedy.kind) {
      case 'init':
        return { changed: init(model, remedy) };
      case 'recurrent-init': {
        let n = 0;
        for (const m of model.modules())
          for (const [name, p] of m.namedParameters({ recurse: false }))
            if (name.startsWith('weight_hh')) {
              orthogonal_(p as Parameter);
              n++;
            }
        return { changed: n };
      }
      case 'gate-bias': {
        if (!Number.isFinite(remedy.value)) throw new ValueError(OP, `gate-bias.value must be a finite number, got ${remedy.value}`);
        let n = 0;
        for (const m of model.modules()) {
          if (!(m instanceof LSTM || m instanceof GRU || m instanceof LSTMCell || m instanceof GRUCell)) continue;
          const H = m.hiddenSize;
          // the second gate block: LSTM's forget gate (i, f, g, o), GRU's update gate (r, z, n)
          for (const [name, p] of m.namedParameters({ recurse: false }))
            if (name.startsWith('bias_')) {
              p.data.fill(name.startsWith('bias_hh') ? remedy.value : 0, H, 2 * H);
              n++;
            }
        }
        if (n === 0) throw new ValueError(OP, 'the model has no LSTM or GRU layer with biases whose memory gate could be opened');
        return { changed: n };
      }
      case 'bias': {
        let n = 0;
        for (const m of model.modules())
          if (affine(m) && m.bias) {
            constant_(m.bias, remedy.value);
            n++;
          }
        return { changed: n };
      }
      case 'activation': {
        if (!(remedy.from in CLASSES) || !(remedy.to in CLASSES))
          throw new ValueError(OP, `activation remedies swap ${Object.keys(CLASSES).join(', ')}; got ${String(remedy.from)} → ${String(remedy.to)}`);
        const n = swap(model, remedy.from, remedy.to);
        if (n === 0) throw new ValueError(OP, `the model has no ${remedy.from} module to replace (activations called as functions cannot be swapped: edit the forward)`);
        if (remedy.init) init(model, remedy.init);
        return { changed: n };
      }
      case 'clip':
        if (!(remedy.maxNorm > 0)) throw new ValueError(OP, `clip.maxNorm must be > 0, got ${remedy.maxNorm}`);
        return { changed: 0, clipGradNorm: remedy.maxNorm };
      case 'lr': {
        const opt = opts.optimizer;
        if (!opt) throw new ValueError(OP, 'a learning-rate remedy needs the optimizer: applyRemedy(model, remedy, { optimizer })');
        for (const g of opt.paramGroups) {
          const lr = remedy.lr ?? g.lr * (remedy.factor ?? 1);
          if (!(lr > 0) || !Number.isFinite(lr)) throw new ValueError(OP, `the new learning rate must be finite and > 0, got ${lr}`);
          g.lr = lr;
        }
        return { changed: opt.paramGroups.length };
      }
      default:
        throw new ValueError(OP, `unknown remedy kind '${String((remedy as { kind?: unknown }).kind)}'`);
    }
  });
}
