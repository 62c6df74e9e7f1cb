/**
 * Progress on stderr. On a terminal: a bar with steps, the last loss and an ETA (cli-progress),
 * shown only once a task has taken more than a second, and replaced by a one-line summary when
 * it ends. Elsewhere (a pipe, a CI log): no bar, just the summary line per task, so logs stay
 * readable.
 */
import cliProgress from 'cli-progress';
import type { Ctx } from './context.js';
import { fmtNum, fmtSeconds } from './format.js';

export interface Task {
  /** `done` of `total` units finished; `loss` shown beside the bar. */
  update(done: number, total: number, loss?: number | null): void;
  /** End the task and print its summary line (✓ / ✗ and what happened). */
  end(ok: boolean, summary: string): void;
  /** Seconds since the task started. */
  elapsed(): number;
}

const SHOW_AFTER_MS = 1000;

export function startTask(ctx: Ctx, label: string, expectedTotal?: number): Task {
  const t0 = performance.now();
  let bar: cliProgress.SingleBar | null = null;
  let lastTotal = expectedTotal ?? 1;
  const c = ctx.ce;
  const ensureBar = (total: number): cliProgress.SingleBar | null => {
    if (!ctx.tty) return null;
    if (bar === null && performance.now() - t0 > SHOW_AFTER_MS) {
      bar = new cliProgress.SingleBar(
        {
          stream: ctx.err as NodeJS.WritableStream,
          format: `  ${label} ${c.cyan('{bar}')} {value}/{total} · loss {loss} · ETA {eta_formatted}`,
          barCompleteChar: '█',
          barIncompleteChar: '░',
          barsize: 24,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 20,
          fps: 8,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { loss: '—' });
    }
    return bar;
  };
  // A task busy before its first update (building a wide model) still shows its bar after a second.
  const timer = ctx.tty ? setTimeout(() => ensureBar(lastTotal), SHOW_AFTER_MS + 10) : null;
  timer?.unref?.();
  return {
    update(done, total, loss) {
      lastTotal = total;
      const b = ensureBar(total);
      if (b) {
        b.setTotal(total);
        b.update(done, { loss: loss === null || loss === undefined ? '—' : fmtNum(loss) });
      }
    },
    end(ok, summary) {
      if (timer) clearTimeout(timer);
      if (bar) (bar as cliProgress.SingleBar).stop();
      bar = null;
      const mark = ok ? c.green('✓') : c.red('✗');
      ctx.note(`  ${mark} ${label} ${c.dim('—')} ${summary} ${c.dim(`(${fmtSeconds((performance.now() - t0) / 1000)})`)}`);
    },
    elapsed: () => (performance.now() - t0) / 1000,
  };
}
