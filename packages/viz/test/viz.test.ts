import { describe, expect, it } from 'vitest';
import {
  type TextSink,
  ProgressBar,
  confusionMatrixSvg,
  formatDuration,
  formatRate,
  linePlot,
  niceTicks,
  renderTrainingReport,
} from '../src/index.js';

/** A stream that records what is written. */
function fakeStream(isTTY: boolean, columns?: number): TextSink & { out: string } {
  const s = {
    out: '',
    isTTY,
    columns,
    write(chunk: string) {
      s.out += chunk;
      return true;
    },
  };
  return s;
}

/** A clock advanced by hand, in ms. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

describe('ProgressBar', () => {
  it('prints a few plain lines per epoch when the stream is not a TTY', () => {
    const stream = fakeStream(false);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 100, epochs: 3, stream, now: clock.now, width: 10, plainLines: 4 });
    bar.startEpoch(2);
    for (let b = 1; b <= 100; b++) {
      clock.advance(10); // 10 ms per batch of 10 samples: 1000 samples/s
      bar.update(b, { loss: b <= 50 ? 1 : 3, samples: 10 });
    }
    bar.endEpoch({ 'val acc': '91.0%' });
    expect(stream.out).not.toContain('\r');
    const lines = stream.out.trimEnd().split('\n');
    expect(lines).toHaveLength(4); // at 25, 50, 75 batches, then the final line
    expect(lines[0]).toBe('epoch 2/3 [==>       ]  25/100 loss 1.0000 1.00k samples/s ETA 0:01');
    expect(lines[1]).toContain(' 50/100 loss 1.0000');
    expect(lines[2]).toContain(' 75/100 loss 1.6667'); // (50·1 + 25·3) / 75
    expect(lines[3]).toBe('epoch 2/3 [==========] 100/100 loss 2.0000 1.00k samples/s in 0:01 val acc 91.0%');
  });

  it('redraws one line with \\r on a TTY, cut to the terminal width', () => {
    const stream = fakeStream(true, 40);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 5, stream, now: clock.now, redrawMs: 0 });
    bar.startEpoch(1);
    for (let b = 1; b <= 5; b++) {
      clock.advance(100);
      bar.update(b);
    }
    expect(stream.out.split('\r')).toHaveLength(6);
    expect(stream.out).not.toContain('\n');
    bar.endEpoch();
    expect(stream.out.endsWith('\n')).toBe(true);
    for (const frame of stream.out.split('\r').slice(1))
      expect(frame.replace('\x1b[K', '').trimEnd().length).toBeLessThan(40);
  });

  it('throttles TTY redraws but always draws the last batch', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 1000, stream, now: clock.now, redrawMs: 50 });
    bar.startEpoch(1);
    for (let b = 1; b <= 1000; b++) {
      clock.advance(1);
      bar.update(b);
    }
    const frames = stream.out.split('\r').slice(1);
    expect(frames.length).toBeLessThanOrEqual(1000 / 50 + 2);
    expect(frames[frames.length - 1]).toContain('1000/1000');
  });

  it('formats durations and rates', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(NaN)).toBe('--:--');
    expect(formatRate(12345)).toBe('12.3k');
    expect(formatRate(950)).toBe('950');
    expect(() => new ProgressBar({ total: -1 })).toThrow(/total/);
  });
});

describe('linePlot', () => {
  const plotRows = (text: string): string[] => text.split('\n').filter((l) => /[┤│]/.test(l));
  const cells = (row: string): string => row.slice(row.search(/[┤│]/) + 1);

  it('has height rows of width cells', () => {
    const text = linePlot([3, 1, 4, 1, 5, 9, 2, 6], { width: 30, height: 9 });
    const rows = plotRows(text);
    expect(rows).toHaveLength(9);
    for (const r of rows) expect(cells(r)).toHaveLength(30);
    expect(text.split('\n')).toHaveLength(9 + 2); // rows, x-axis, x labels
  });

  it('puts the maximum on the top row and the minimum on the bottom row', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const rows = plotRows(linePlot(values, { width: 19, height: 7 }));
    // with width 19 and 10 points, point i sits in column 2i
    expect(cells(rows[0]!)[2 * values.indexOf(9)]).toBe('*');
    expect(cells(rows[6]!)[2 * values.indexOf(1)]).toBe('*');
    expect(rows[0]!.trimStart().startsWith('9')).toBe(true);
    expect(rows[6]!.trimStart().startsWith('1')).toBe(true);
  });

  it('joins points so a line has no vertical gaps', () => {
    const rows = plotRows(linePlot([0, 10], { width: 3, height: 11 }));
    for (const r of rows) expect(cells(r)).toMatch(/\*/);
  });

  it('draws several series with their markers and a legend, skipping non-finite values', () => {
    const text = linePlot(
      [
        { name: 'train', values: [1, 0.5, 0.2] },
        { name: 'val', values: [1.2, NaN, 0.4] },
      ],
      { width: 21, height: 6, title: 'loss' },
    );
    expect(text.split('\n')[0]).toBe('loss');
    expect(text).toContain('* train');
    expect(text).toContain('+ val');
    const rows = plotRows(text);
    expect(cells(rows[0]!)[0]).toBe('+'); // 1.2 is the maximum
    expect(cells(rows[5]!)[20]).toBe('*'); // 0.2 is the minimum
    expect(rows.map(cells).join('').split('+').length - 1).toBe(2); // the gap leaves val's two points unjoined
  });

  it('handles flat, empty and fixed ranges, and refuses tiny sizes', () => {
    expect(plotRows(linePlot([2, 2, 2], { height: 5 }))).toHaveLength(5);
    expect(plotRows(linePlot([], { height: 4 }))).toHaveLength(4);
    expect(() => linePlot([1], { width: 1 })).toThrow(/width/);
    expect(() => linePlot([1, 2], { yMin: 3, yMax: 1 })).toThrow(/above/);
  });
});

describe('HTML report', () => {
  const confusion = [
    [97, 2, 1],
    [3, 88, 9],
    [0, 5, 95],
  ];
  const html = renderTrainingReport({
    title: 'MNIST <784-30-10>',
    curves: [
      {
        title: 'loss',
        series: [
          { name: 'train', values: [0.9, 0.5, 0.31] },
          { name: 'val', values: [0.95, 0.6, 0.4] },
        ],
      },
      { title: 'accuracy', yLabel: '%', series: [{ name: 'val', values: [80, 88, 92.8] }] },
    ],
    confusion,
    labels: ['zero', 'one', 'two'],
    notes: ['lr 3.0 & batch 10'],
  });

  it('has one svg per chart plus the confusion matrix', () => {
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html.match(/<\/svg>/g)).toHaveLength(3);
    expect(html.match(/<path /g)).toHaveLength(3); // one per series
  });

  it('shows every confusion count, the labels and the accuracy', () => {
    const svg = confusionMatrixSvg({ matrix: confusion, labels: ['zero', 'one', 'two'] });
    for (const row of confusion) for (const c of row) expect(svg).toContain(`>${c}</text>`);
    expect(svg.match(/<rect /g)).toHaveLength(9);
    expect(html).toContain('>two</text>');
    expect(html).toContain(`Accuracy ${((100 * 280) / 300).toFixed(2)}% (280 of 300)`);
  });

  it('is self-contained and escapes text', () => {
    expect(html).not.toMatch(/<script|https?:|src=|href=|@import|url\(/i);
    expect(html).toContain('MNIST &lt;784-30-10&gt;');
    expect(html).toContain('lr 3.0 &amp; batch 10');
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('refuses a confusion matrix that is not square or has bad counts', () => {
    expect(() => renderTrainingReport({ title: 't', curves: [], confusion: [[1, 2], [3]] })).toThrow(
      /row 1 has 1 entries, expected 2/,
    );
    expect(() =>
      renderTrainingReport({
        title: 't',
        curves: [],
        confusion: [
          [1, -2],
          [3, 4],
        ],
      }),
    ).toThrow(/\[0\]\[1\] is -2/);
    expect(() => renderTrainingReport({ title: 't', curves: [], confusion: [[1]], labels: ['a', 'b'] })).toThrow(
      /2 labels for 1 classes/,
    );
  });

  it('picks round ticks that cover the data', () => {
    // raw step 0.64 / 4 = 0.16 rounds up to the nice step 0.2
    expect(niceTicks(0.31, 0.95, 5)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 30, 8)).toEqual([0, 5, 10, 15, 20, 25, 30]);
  });
});
