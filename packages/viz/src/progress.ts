import { rangeError } from './errors.js';
import { formatDuration, formatRate } from './format.js';
import type { TextSink } from './sink.js';

/** How a ProgressBar draws. */
export interface ProgressBarOptions {
  /** Batches per epoch. */
  total: number;
  /** Number of epochs, to show `epoch e/E` (omit to show `epoch e`). */
  epochs?: number;
  /** Output (default `process.stderr`). */
  stream?: TextSink;
  /** Cells of the bar (default 24). */
  width?: number;
  /** Clock in milliseconds (default `performance.now`); tests pass a fake one. */
  now?: () => number;
  /** When the stream is not a TTY: progress lines per epoch before the final one (default 4). */
  plainLines?: number;
  /** Least time between two redraws on a TTY, in ms (default 50). */
  redrawMs?: number;
}

/** Extra values of an update. */
export interface ProgressInfo {
  /** Loss of this batch; the bar shows the epoch's running mean, weighted by samples. */
  loss?: number;
  /** Samples in this batch (default 1), for samples/s. */
  samples?: number;
}

/**
 * A training progress bar: `epoch 3/30 [=====>    ] 120/800 loss 0.2310 12.3k samples/s ETA 0:05`.
 * On a TTY it redraws one line with `\r`; otherwise (a log file, CI) it prints a few plain
 * lines per epoch instead of thousands of redraws.
 * @example
 * ```ts
 * const bar = new ProgressBar({ total: loader.length, epochs: 30 });
 * for (let e = 1; e <= 30; e++) {
 *   bar.startEpoch(e);
 *   let b = 0;
 *   for (const [x, y] of loader) bar.update(++b, { loss: step(x, y), samples: x.shape[0] });
 *   bar.endEpoch({ 'val acc': '93.1%' });
 * }
 * ```
 */
export class ProgressBar {
  readonly total: number;
  private readonly epochs: number | undefined;
  private readonly stream: TextSink;
  private readonly width: number;
  private readonly now: () => number;
  private readonly plainLines: number;
  private readonly redrawMs: number;
  private epoch = 1;
  private batch = 0;
  private samples = 0;
  private lossSum = 0;
  private lossWeight = 0;
  private started = 0;
  private lastDraw = -Infinity;
  private plainPrinted = 0;

  constructor(options: ProgressBarOptions) {
    const { total, epochs, width = 24, plainLines = 4, redrawMs = 50 } = options;
    if (!Number.isInteger(total) || total < 0)
      throw rangeError('ProgressBar', `total must be a non-negative integer, got ${total}`);
    if (!Number.isInteger(width) || width < 1)
      throw rangeError('ProgressBar', `width must be a positive integer, got ${width}`);
    this.total = total;
    this.epochs = epochs;
    this.stream = options.stream ?? process.stderr;
    this.width = width;
    this.now = options.now ?? (() => performance.now());
    this.plainLines = plainLines;
    this.redrawMs = redrawMs;
  }

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  /** Resets the counters and the clock for epoch `epoch` (1-based, as shown). */
  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.batch = 0;
    this.samples = 0;
    this.lossSum = 0;
    this.lossWeight = 0;
    this.started = this.now();
    this.lastDraw = -Infinity;
    this.plainPrinted = 0;
  }

  /** Records that `batch` batches (1..total) are done, the last one with `info`. */
  update(batch: number, info: ProgressInfo = {}): void {
    const n = info.samples ?? 1;
    this.batch = batch;
    this.samples += n;
    if (info.loss !== undefined) {
      this.lossSum += info.loss * n;
      this.lossWeight += n;
    }
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDraw < this.redrawMs && batch < this.total) return;
      this.lastDraw = t;
      this.stream.write(`\r${this.fit(this.line(t))}\x1b[K`);
      return;
    }
    // plain output: one line each time another 1/plainLines of the epoch is done
    const due = this.total === 0 ? 0 : Math.floor((batch * this.plainLines) / this.total);
    if (due > this.plainPrinted && batch < this.total) {
      this.plainPrinted = due;
      this.stream.write(`${this.line(t)}\n`);
    }
  }

  /** Ends the epoch with a final line; `summary` entries are appended (`val acc 93.1%`). */
  endEpoch(summary: Readonly<Record<string, number | string>> = {}): void {
    const t = this.now();
    const extra = Object.entries(summary)
      .map(([k, v]) => ` ${k} ${typeof v === 'number' ? fmtLoss(v) : v}`)
      .join('');
    const elapsed = (t - this.started) / 1000;
    const text = `${this.line(t, true)} in ${formatDuration(elapsed)}${extra}`;
    this.stream.write(this.tty ? `\r${this.fit(text)}\x1b[K\n` : `${text}\n`);
  }

  /** The status line at time `t` (ms). */
  private line(t: number, done = false): string {
    const elapsed = (t - this.started) / 1000;
    const frac = this.total === 0 ? 1 : Math.min(1, this.batch / this.total);
    const filled = Math.round(frac * this.width);
    const bar =
      frac >= 1
        ? '='.repeat(this.width)
        : `${'='.repeat(Math.max(0, filled - 1))}>${' '.repeat(this.width - Math.max(1, filled))}`;
    const epoch = this.epochs === undefined ? `epoch ${this.epoch}` : `epoch ${this.epoch}/${this.epochs}`;
    const digits = String(this.total).length;
    const parts = [epoch, `[${bar}]`, `${String(this.batch).padStart(digits)}/${this.total}`];
    if (this.lossWeight > 0) parts.push(`loss ${fmtLoss(this.lossSum / this.lossWeight)}`);
    parts.push(`${formatRate(elapsed > 0 ? this.samples / elapsed : NaN)} samples/s`);
    // ETA: the mean time per batch so far times the batches left
    if (!done)
      parts.push(`ETA ${formatDuration(this.batch > 0 ? (elapsed / this.batch) * (this.total - this.batch) : NaN)}`);
    return parts.join(' ');
  }

  /** Cuts a TTY line to the terminal width so that `\r` can redraw it. */
  private fit(text: string): string {
    const cols = this.stream.columns;
    return cols !== undefined && cols > 1 && text.length >= cols ? text.slice(0, cols - 1) : text;
  }
}

function fmtLoss(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}
