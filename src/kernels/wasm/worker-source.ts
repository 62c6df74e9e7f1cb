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
 *
 * Work queue: a job of kind JOB_QUEUE (argument 0: a chunk count n) makes its thread take chunks
 * i = Atomics.add(QUEUE_NEXT, 1) < n from the table at QUEUE_BASE (QUEUE_ENTRY words each: 16
 * arguments and a kind) and run them until none are left, so a slow or descheduled thread simply
 * takes fewer. A `gemm` chunk runs on the packing scratch of the thread that takes it (its
 * arguments 13–15 are replaced): thread t = slot + 1 (the main thread is 0) uses
 * packOffset + t·packBytes, that + packABytes, and tmpOffset + 128·t.
 */
export const SLOT_WORDS = 32;
/** Slot word holding the generation whose operands are ready. */
export const GO_OFFSET = 19;
/** Slot word holding the last generation claimed (by the worker or by the main thread). */
export const CLAIM_OFFSET = 20;
/** Slot word holding the job's kind: the index of its export in JOB_KERNELS. */
export const KIND_OFFSET = 21;
export const DONE_WORD = 0;
/** Header word: the next chunk of the work queue to take. */
export const QUEUE_NEXT = 1;
/** The work queue's table: QUEUE_MAX entries of QUEUE_ENTRY words after the slots. */
export const QUEUE_BASE = 2176;
export const QUEUE_ENTRY = 17;
export const QUEUE_MAX = 64;
/** One word per queue chunk, set to 1 when the chunk has finished (after the table). */
export const QUEUE_DONE = QUEUE_BASE + QUEUE_MAX * QUEUE_ENTRY;

/**
 * The exports a pool job may run, by kind. Each takes at most 16 i32 arguments (extra ones are
 * ignored by the call); all but `gemm` work on a range of images of a batch (conv-image.wat).
 */
export const JOB_KERNELS = ['gemm', 'conv_forward_images', 'conv_input_images', 'conv_weight_images'] as const;
export const JOB_GEMM = 0;
export const JOB_FORWARD_IMAGES = 1;
export const JOB_INPUT_IMAGES = 2;
export const JOB_WEIGHT_IMAGES = 3;
/** Not an export: take chunks from the work queue until it is empty. */
export const JOB_QUEUE = -1;
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
    var t = msg.slot + 1;
    var pA = msg.packOffset + t * msg.packBytes;
    var pB = pA + msg.packABytes;
    var tmp = msg.tmpOffset + 128 * t;
    function run(e) {
      fns[ctrl[e + 16]](ctrl[e], ctrl[e + 1], ctrl[e + 2], ctrl[e + 3], ctrl[e + 4], ctrl[e + 5], ctrl[e + 6], ctrl[e + 7],
        ctrl[e + 8], ctrl[e + 9], ctrl[e + 10], ctrl[e + 11], ctrl[e + 12], pA, pB, tmp);
    }
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
        if (ctrl[s + msg.kind] === msg.queueKind) {
          var n = ctrl[s + 3];
          for (;;) {
            var i = Atomics.add(ctrl, msg.queueNext, 1);
            if (i >= n) break;
            run(msg.queueBase + i * msg.queueEntry);
            Atomics.store(ctrl, msg.queueDone + i, 1);
          }
        } else {
          fns[ctrl[s + msg.kind]](ctrl[s + 3], ctrl[s + 4], ctrl[s + 5], ctrl[s + 6], ctrl[s + 7], ctrl[s + 8], ctrl[s + 9], ctrl[s + 10],
            ctrl[s + 11], ctrl[s + 12], ctrl[s + 13], ctrl[s + 14], ctrl[s + 15], ctrl[s + 16], ctrl[s + 17], ctrl[s + 18]);
        }
      } catch (e) {
        Atomics.store(ctrl, s + 2, 1);
      }
      Atomics.add(ctrl, msg.done, 1);
      Atomics.notify(ctrl, msg.done);
    }
  });
}`;
