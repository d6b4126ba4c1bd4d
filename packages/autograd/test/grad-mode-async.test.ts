// noGrad and enableGrad with async callbacks (issue 16, defect 11): in Node the mode holds across
// awaits (AsyncLocalStorage); where that is missing, an async callback is refused before it runs.
import { afterEach, describe, expect, it } from 'vitest';
import { setFrameStorageForTesting } from '../src/grad-mode.js';
import { AutogradError, enableGrad, isGradEnabled, noGrad, tensor } from '../src/index.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('async callbacks in Node', () => {
  it('noGrad holds across awaits and returns the callback promise value', async () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const modes: boolean[] = [];
    const y = await noGrad(async () => {
      modes.push(isGradEnabled());
      await tick();
      modes.push(isGradEnabled());
      await tick();
      return x.mul(2);
    });
    expect(modes).toEqual([false, false]);
    expect(y.requiresGrad).toBe(false);
    expect(isGradEnabled()).toBe(true);
  });

  it('code that runs while the callback awaits keeps its own mode', async () => {
    const seen: string[] = [];
    const inside = noGrad(async () => {
      await tick();
      seen.push(`inside ${isGradEnabled()}`);
      await tick();
      seen.push(`inside ${isGradEnabled()}`);
    });
    seen.push(`caller ${isGradEnabled()}`);
    const other = (async () => {
      await tick();
      seen.push(`other ${isGradEnabled()}`);
    })();
    await Promise.all([inside, other]);
    expect(seen.sort()).toEqual(['caller true', 'inside false', 'inside false', 'other true']);
  });

  it('nests: enableGrad inside noGrad, sync and async, each restored', async () => {
    const x = tensor(3, { requiresGrad: true, dtype: 'float64' });
    const log = await noGrad(async () => {
      const out: boolean[] = [];
      await tick();
      out.push(enableGrad(() => isGradEnabled()));
      out.push(isGradEnabled());
      const g = await enableGrad(async () => {
        await tick();
        const y = x.mul(x); // recorded
        y.backward();
        return x.grad!.item();
      });
      out.push(g === 6, isGradEnabled());
      return out;
    });
    expect(log).toEqual([true, false, true, false]);
    expect(isGradEnabled()).toBe(true);
  });

  it('a callback that rejects leaves the mode as it was', async () => {
    await expect(
      noGrad(async () => {
        await tick();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    expect(tensor([1], { requiresGrad: true }).mul(2).requiresGrad).toBe(true);
  });

  it('backward with createGraph inside an async noGrad records its graph and restores the frame', async () => {
    const x = tensor(2, { requiresGrad: true, dtype: 'float64' });
    const mode = await noGrad(async () => {
      await tick();
      const y = enableGrad(() => x.pow(3));
      y.backward(undefined, { createGraph: true });
      return isGradEnabled();
    });
    expect(mode).toBe(false);
    expect(x.grad!.requiresGrad).toBe(true);
    expect(x.grad!.item()).toBe(12);
  });
});

describe('callbacks that cannot keep the mode are refused with an AutogradError', () => {
  afterEach(() => setFrameStorageForTesting(undefined));

  it('a plain function returning a promise: refused, the mode restored', () => {
    expect(() => noGrad(() => Promise.resolve(1))).toThrow(AutogradError);
    expect(() => enableGrad(() => tick())).toThrow(
      /^enableGrad: the callback returned a promise but is not an async function/,
    );
    expect(isGradEnabled()).toBe(true);
  });

  it('without AsyncLocalStorage (browsers): an async callback is refused before it runs', () => {
    setFrameStorageForTesting(null);
    let ran = false;
    const call = () =>
      noGrad(async () => {
        ran = true;
      });
    expect(call).toThrow(AutogradError);
    expect(call).toThrow(/^noGrad: async callbacks need AsyncLocalStorage/);
    expect(ran).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(() => enableGrad(async () => 1)).toThrow(/^enableGrad: async callbacks need AsyncLocalStorage/);
    expect(noGrad(() => isGradEnabled())).toBe(false); // sync callbacks are unaffected
  });

  it('not a function', () => {
    expect(() => noGrad(42 as unknown as () => number)).toThrow(/^noGrad: expected a function, got number$/);
  });
});
