/** Learning-rate schedulers (PyTorch: `torch.optim.lr_scheduler`). */
export { LRScheduler, type SchedulerOptions, type SchedulerStateDict } from './base.js';
export { StepLR, MultiStepLR, ExponentialLR, LambdaLR, type GammaOptions, type LrLambda } from './step.js';
export { CosineAnnealingLR, type CosineAnnealingOptions } from './cosine.js';
export { LinearLR, type LinearLROptions } from './linear.js';
export { OneCycleLR, type OneCycleOptions } from './one-cycle.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-on-plateau.js';
