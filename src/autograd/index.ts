export { backward, grad, type BackwardOptions, type GradOptions } from './engine.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './grad-mode.js';
export { gradcheck, type GradcheckOptions } from './gradcheck.js';
export { record, needsGrad, Node, type BackwardRule } from './node.js';
export { detach, requiresGrad_, retainGrad, registerHook } from './tensor-autograd.js';
