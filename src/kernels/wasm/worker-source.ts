/**
 * The code a pool worker runs, as self-contained source text (workers start from inlined code,
 * so no worker file has to be found by a bundler or test runner). The platform
 * corner (src/node/, src/browser/) wraps it with its own message plumbing:
 * `(${WORKER_SOURCE})(listen)` where `listen(cb)` delivers the one init message.
 *
 * Protocol, on Int32 words of the shared control block (see pool.ts). A run is a list of jobs
 * (JOB_WORDS words each from JOB_BASE: a kind, then its arguments) that the main thread and the
 * woken workers take one at a time from a shared counter, so a thread that starts late or runs
 * slowly simply takes fewer jobs. Header words:
 *   FINISHED  jobs finished in the current run (each taker adds 1 and notifies)
 *   CLAIM     (tag << 16) | next job index; tag = the run's generation (mod 2^16). The main thread
 *             publishes a run by storing (tag << 16) once its operands are in place; a taker
 *             claims job i by moving the word from (tag << 16 | i) to (tag << 16 | i + 1)
 *   NJOBS     jobs in the current run
 *   ERROR     set when a job threw
 * Each worker owns a slot of SLOT_WORDS words: [0] wake generation (bumped by the main thread to
 * wake it), [1] ready flag, [2] the run tag it was woken for. A worker woken for tag t waits
 * (spinning: the main thread is only copying operands in) while CLAIM still carries t − 1, takes
 * jobs while it carries t, and goes back to sleep when the jobs are gone or the tag has moved on
 * (it woke after that run had ended). The worker spins briefly before sleeping in Atomics.wait.
 *
 * A job is JOB_WORDS words: its kind (an index into JOB_KERNELS, the export it runs), the start of
 * the per-call scratch, and 18 arguments a0…a17 for that export, of which a13, a14 and a15 are
 * replaced by the taking thread's own GEMM scratch: thread t (0 is the calling thread, worker
 * slot i is t = i + 1) packs at scratch + t·PACK_BYTES and scratch + t·PACK_BYTES + PACK_A_BYTES
 * and uses the 128-byte edge tile at TMP_OFFSET + 128·t. (`gemm` takes 18 parameters: a16, a17
 * are its pre-packed qA, qB; the conv-image.wat kernels take 16 and find their per-thread work
 * area from the edge tile's address; the elementwise kernels take their 3 or 4 and ignore the
 * rest.) Each taker sets the job's DONE word once it has finished,
 * so the calling thread can use finished results while others still compute.
 */
export const FINISHED_WORD = 0;
export const CLAIM_WORD = 1;
export const NJOBS_WORD = 2;
export const ERROR_WORD = 3;
export const SLOT_WORDS = 4;
/** Worker slots start after a 64-word header; jobs after 64 slots, then a DONE word per job. */
export const SLOT_BASE = 64;
export const MAX_SLOTS = 64;
export const JOB_BASE = SLOT_BASE + MAX_SLOTS * SLOT_WORDS;
export const JOB_WORDS = 20;

/** The exports a job may run, by kind. */
export const JOB_KERNELS = [
  'gemm', 'conv_forward_images', 'conv_input_images', 'conv_weight_images', 'tanh', 'tanhBackward', 'sgd_at',
] as const;
export const JOB_GEMM = 0;
export const JOB_FORWARD_IMAGES = 1;
export const JOB_INPUT_IMAGES = 2;
export const JOB_WEIGHT_IMAGES = 3;
/** Elementwise kernels on a range of elements (elementwise.ts); they ignore the arguments after their own. */
export const JOB_TANH = 4;
export const JOB_TANH_BACKWARD = 5;
export const JOB_SGD = 6;

/**
 * Plain JavaScript on purpose (not a stringified TS function): compilers, minifiers and test
 * transforms must not be able to rename or wrap anything in it. The main thread runs the same
 * jobs through `runJob` in pool.ts (not from this text: pages with a CSP may forbid eval); the
 * thread-count bit-identity tests hold the two to the same results.
 */
export const RUN_JOB_SOURCE = `function gradlabRunJob(fns, ctrl, b, t, scratch) {
  var pA = ctrl[b + 1] + t * scratch.packBytes;
  fns[ctrl[b]](ctrl[b + 2], ctrl[b + 3], ctrl[b + 4], ctrl[b + 5], ctrl[b + 6], ctrl[b + 7], ctrl[b + 8],
    ctrl[b + 9], ctrl[b + 10], ctrl[b + 11], ctrl[b + 12], ctrl[b + 13], ctrl[b + 14],
    pA, pA + scratch.packABytes, scratch.tmp + 128 * t, ctrl[b + 18], ctrl[b + 19]);
}`;

export const WORKER_SOURCE = `function gradlabKernelWorker(listen) {
  var runJob = ${RUN_JOB_SOURCE};
  listen(function (msg) {
    var inst = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } });
    var fns = msg.kernels.map(function (name) { return inst.exports[name]; });
    var ctrl = new Int32Array(msg.memory.buffer, msg.ctrlOffset, msg.ctrlWords);
    var s = msg.slotBase + msg.slot * msg.slotWords;
    var t = msg.slot + 1;
    var last = Atomics.load(ctrl, s);
    Atomics.store(ctrl, s + 1, 1);
    Atomics.notify(ctrl, s + 1);
    for (;;) {
      var spins = 0;
      while (Atomics.load(ctrl, s) === last) {
        if (++spins > msg.spin) {
          Atomics.wait(ctrl, s, last);
          spins = 0;
        }
      }
      last = Atomics.load(ctrl, s);
      var tag = Atomics.load(ctrl, s + 2) & 0xffff;
      var before = (tag - 1) & 0xffff;
      var w = Atomics.load(ctrl, msg.claim);
      while ((w >>> 16) === before) w = Atomics.load(ctrl, msg.claim);
      while ((w >>> 16) === tag && (w & 0xffff) < Atomics.load(ctrl, msg.njobs)) {
        if (Atomics.compareExchange(ctrl, msg.claim, w, (w + 1) | 0) !== w) {
          w = Atomics.load(ctrl, msg.claim);
          continue;
        }
        var i = w & 0xffff;
        try {
          runJob(fns, ctrl, msg.jobBase + i * msg.jobWords, t, msg.scratch);
        } catch (err) {
          Atomics.store(ctrl, msg.error, 1);
        }
        Atomics.store(ctrl, msg.doneBase + i, 1);
        Atomics.add(ctrl, msg.finished, 1);
        Atomics.notify(ctrl, msg.finished);
        w = Atomics.load(ctrl, msg.claim);
      }
    }
  });
}`;
