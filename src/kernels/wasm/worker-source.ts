/**
 * The code a pool worker runs, as self-contained source text (workers start from inlined code,
 * so no worker file has to be found by a bundler or test runner). The platform
 * corner (src/node/, src/browser/) wraps it with its own message plumbing:
 * `(${WORKER_SOURCE})(listen)` where `listen(cb)` delivers the one init message.
 *
 * Protocol, on Int32 words of the shared control block (see pool.ts): each worker owns a slot of
 * SLOT_WORDS words: [0] generation (bumped by the main thread to announce a job and wake the
 * worker), [1] ready flag, [2] error flag, [3…18] up to 16 arguments of the job's export,
 * [KIND_OFFSET] which export (an index into JOB_KERNELS; 0 is `gemm`),
 * [GO_OFFSET] the generation whose operands are in place (set once the main thread has copied
 * them, so waking overlaps the copy), [CLAIM_OFFSET] the last generation claimed. A job of
 * generation g is run by whoever moves CLAIM from g-1 to g first: the worker, or the main thread
 * when it has finished its own share and the worker has not started yet (a worker descheduled on
 * a busy machine then costs no waiting). Word DONE counts jobs finished by workers. The worker
 * spins briefly, then sleeps in Atomics.wait.
 */
export const SLOT_WORDS = 32;
/** Slot word holding the generation whose operands are ready. */
export const GO_OFFSET = 19;
/** Slot word holding the last generation claimed (by the worker or by the main thread). */
export const CLAIM_OFFSET = 20;
/** Slot word holding the job's kind: the index of its export in JOB_KERNELS. */
export const KIND_OFFSET = 21;
export const DONE_WORD = 0;

/**
 * The exports a pool job may run, by kind. Each takes at most 16 i32 arguments (extra ones are
 * ignored by the call); all but `gemm` work on a range of images of a batch (conv.wat).
 */
export const JOB_KERNELS = ['gemm', 'conv_im2col_range', 'conv_col2im_range', 'conv_gather', 'conv_scatter'] as const;
export type JobKind = 0 | 1 | 2 | 3 | 4;
export const JOB_GEMM = 0;
export const JOB_IM2COL = 1;
export const JOB_COL2IM = 2;
export const JOB_GATHER = 3;
export const JOB_SCATTER = 4;
/** Slots start after a 64-word header. */
export const SLOT_BASE = 64;

/**
 * Plain JavaScript on purpose (not a stringified TS function): compilers, minifiers and test
 * transforms must not be able to rename or wrap anything in it.
 */
export const WORKER_SOURCE = `function gradlabKernelWorker(listen) {
  listen(function (msg) {
    var inst = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } });
    var fns = msg.kernels.map(function (name) { return inst.exports[name]; });
    var ctrl = new Int32Array(msg.memory.buffer, msg.ctrlOffset, msg.ctrlWords);
    var s = msg.slotBase + msg.slot * msg.slotWords;
    var last = Atomics.load(ctrl, s + msg.go);
    Atomics.store(ctrl, s + 1, 1);
    Atomics.notify(ctrl, s + 1);
    for (;;) {
      var spins = 0;
      var go;
      for (;;) {
        go = Atomics.load(ctrl, s + msg.go);
        if (go !== last) break;
        if (++spins > msg.spin) {
          // nothing announced: sleep until the generation moves; announced: until operands are in
          var gen = Atomics.load(ctrl, s);
          if (gen === last) Atomics.wait(ctrl, s, last);
          else Atomics.wait(ctrl, s + msg.go, last);
          spins = 0;
        }
      }
      last = go;
      if (Atomics.compareExchange(ctrl, s + msg.claim, (go - 1) | 0, go) !== ((go - 1) | 0)) continue;
      try {
        fns[ctrl[s + msg.kind]](ctrl[s + 3], ctrl[s + 4], ctrl[s + 5], ctrl[s + 6], ctrl[s + 7], ctrl[s + 8], ctrl[s + 9], ctrl[s + 10],
          ctrl[s + 11], ctrl[s + 12], ctrl[s + 13], ctrl[s + 14], ctrl[s + 15], ctrl[s + 16], ctrl[s + 17], ctrl[s + 18]);
      } catch (e) {
        Atomics.store(ctrl, s + 2, 1);
      }
      Atomics.add(ctrl, msg.done, 1);
      Atomics.notify(ctrl, msg.done);
    }
  });
}`;
