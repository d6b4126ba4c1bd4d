import { NDArray, array } from '@chainrule/tensor';
import { Tensor, stack } from '@chainrule/autograd';

/**
 * What the default collate makes of a batch of `T`: tensors are stacked, numbers and booleans gathered, structure kept.
 */
export type Collated<T> = T extends Tensor | NDArray
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : never;

/**
 * The default batch maker: Tensors (or NDArrays) are stacked on a new first axis into one
 * Tensor; numbers become a 1-D Tensor (int32 when all are integers that fit, float32 otherwise);
 * booleans a bool Tensor; tuples/arrays and plain objects are collated field by field.
 * @throws TypeError for an empty batch, or items whose structure differs from the first one's.
 * @example
 * ```ts
 * import { defaultCollate } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * const [x, y] = defaultCollate([[tensor([1, 2]), 3], [tensor([4, 5]), 7]]);
 * x.shape; // [2, 2]
 * y.toArray(); // [3, 7] (int32)
 * ```
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (items.length === 0) throw new TypeError('defaultCollate: cannot collate an empty batch');
  return collate(items as readonly unknown[], 'item') as Collated<T>;
}

function collate(items: readonly unknown[], where: string): unknown {
  const first = items[0];
  if (first instanceof Tensor || first instanceof NDArray) {
    const tensors = items.map((x, k) => {
      if (x instanceof Tensor) return x;
      if (x instanceof NDArray) return new Tensor(x);
      throw new TypeError(`defaultCollate: ${where} of element ${k} is not a Tensor like element 0`);
    });
    return stack(tensors);
  }
  if (typeof first === 'number') {
    const nums = items.map((x, k) => {
      if (typeof x !== 'number')
        throw new TypeError(
          `defaultCollate: ${where} of element ${k} is ${typeof x}, expected a number like element 0`,
        );
      return x;
    });
    const int = nums.every((v) => Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff);
    return new Tensor(array(nums, int ? 'int32' : 'float32'));
  }
  if (typeof first === 'boolean') {
    const flags = items.map((x, k) => {
      if (typeof x !== 'boolean')
        throw new TypeError(
          `defaultCollate: ${where} of element ${k} is ${typeof x}, expected a boolean like element 0`,
        );
      return x;
    });
    return new Tensor(array(flags, 'bool'));
  }
  if (Array.isArray(first)) {
    items.forEach((x, k) => {
      if (!Array.isArray(x) || x.length !== first.length)
        throw new TypeError(
          `defaultCollate: ${where} of element ${k} is not an array of length ${first.length} like element 0`,
        );
    });
    return first.map((_, j) =>
      collate(
        items.map((x) => (x as unknown[])[j]),
        `${where}[${j}]`,
      ),
    );
  }
  if (typeof first === 'object' && first !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collate(
        items.map((x) => (x as Record<string, unknown>)[key]),
        `${where}.${key}`,
      );
    }
    return out;
  }
  throw new TypeError(
    `defaultCollate: cannot collate ${where} of type ${first === null ? 'null' : typeof first}; ` +
      `pass a collate function`,
  );
}
