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
 * Job kinds: 0 gemm over C's rows [i0,i1) × columns [j0,j1) (the taker adds its own packing
 * scratch: thread t uses scratch + t·PACK_BYTES, `scratch` being word 14 of the job, and its
 * 128-byte edge tile; words 15 and 16 are gemm's pre-packed qA and qB); 1 and 2 run
 * conv_im2col / conv_col2im over the images [n0,n1) of a batch.
 */
export const FINISHED_WORD = 0;
export const CLAIM_WORD = 1;
export const NJOBS_WORD = 2;
export const ERROR_WORD = 3;
export const SLOT_WORDS = 4;
/** Worker slots start after a 64-word header; jobs after 64 slots. */
export const SLOT_BASE = 64;
export const MAX_SLOTS = 64;
export const JOB_BASE = SLOT_BASE + MAX_SLOTS * SLOT_WORDS;
export const JOB_WORDS = 20;
export const JOB_GEMM = 0;
export const JOB_IM2COL = 1;
export const JOB_COL2IM = 2;

/**
 * Plain JavaScript on purpose (not a stringified TS function): compilers, minifiers and test
 * transforms must not be able to rename or wrap anything in it. The main thread runs the same
 * jobs through `runJob` in pool.ts (not from this text: pages with a CSP may forbid eval); the
 * thread-count bit-identity tests hold the two to the same results.
 */
export const RUN_JOB_SOURCE = `function gradlabRunJob(e, ctrl, base, t, scratch) {
  var k = ctrl[base];
  if (k === 0) {
    var pA = ctrl[base + 14] + t * scratch.packBytes;
    e.gemm(ctrl[base + 1], ctrl[base + 2], ctrl[base + 3], ctrl[base + 4], ctrl[base + 5], ctrl[base + 6],
      ctrl[base + 7], ctrl[base + 8], ctrl[base + 9], ctrl[base + 10], ctrl[base + 11], ctrl[base + 12],
      ctrl[base + 13], pA, pA + scratch.packABytes, scratch.tmp + t * 128, ctrl[base + 15], ctrl[base + 16]);
  } else {
    // [kind, src, geometry, dst, ld, n0, n1, srcImageBytes, dstImageBytes]
    var f = k === 1 ? e.conv_im2col : e.conv_col2im;
    var src = ctrl[base + 1], g = ctrl[base + 2], dst = ctrl[base + 3], ld = ctrl[base + 4];
    var si = ctrl[base + 7], di = ctrl[base + 8];
    for (var n = ctrl[base + 5]; n < ctrl[base + 6]; n++) f(src + n * si, g, dst + n * di, ld);
  }
}`;

export const WORKER_SOURCE = `function gradlabKernelWorker(listen) {
  var runJob = ${RUN_JOB_SOURCE};
  listen(function (msg) {
    var inst = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } });
    var e = inst.exports;
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
        try {
          runJob(e, ctrl, msg.jobBase + (w & 0xffff) * msg.jobWords, t, msg.scratch);
        } catch (err) {
          Atomics.store(ctrl, msg.error, 1);
        }
        Atomics.add(ctrl, msg.finished, 1);
        Atomics.notify(ctrl, msg.finished);
        w = Atomics.load(ctrl, msg.claim);
      }
    }
  });
}`;
