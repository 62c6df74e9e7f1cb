import { Tensor } from '../../tensor/tensor.js';

/** Put methods on Tensor.prototype (non-enumerable, like class methods). */
export function install(methods: Record<string, (this: Tensor, ...args: never[]) => unknown>): void {
  for (const [name, fn] of Object.entries(methods))
    Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
}
