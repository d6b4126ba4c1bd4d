import { NDArray, array, stack } from '@chainrule/tensor';

/** What the default collate makes of a batch of `T`: arrays are stacked, numbers and booleans gathered, structure kept. */
export type Collated<T> = T extends NDArray
  ? NDArray
  : T extends number | boolean
    ? NDArray
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : never;

/**
 * The default batch maker: NDArrays are stacked on a new first axis; numbers become a 1-D
 * array (int32 when all are integers that fit, float32 otherwise); booleans a bool array;
 * tuples/arrays and plain objects are collated field by field.
 * @example defaultCollate([[x0, 3], [x1, 7]]); // [stack([x0, x1]), int32 [3, 7]]
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (items.length === 0) throw new TypeError('defaultCollate: cannot collate an empty batch');
  return collate(items as readonly unknown[], 'item') as Collated<T>;
}

function collate(items: readonly unknown[], where: string): unknown {
  const first = items[0];
  if (first instanceof NDArray) {
    items.forEach((x, k) => {
      if (!(x instanceof NDArray)) throw new TypeError(`defaultCollate: ${where} of element ${k} is not an NDArray like element 0`);
    });
    return stack(items as NDArray[]);
  }
  if (typeof first === 'number') {
    const nums = items.map((x, k) => {
      if (typeof x !== 'number') throw new TypeError(`defaultCollate: ${where} of element ${k} is ${typeof x}, expected a number like element 0`);
      return x;
    });
    const int = nums.every((v) => Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff);
    return array(nums, int ? 'int32' : 'float32');
  }
  if (typeof first === 'boolean') {
    const flags = items.map((x, k) => {
      if (typeof x !== 'boolean') throw new TypeError(`defaultCollate: ${where} of element ${k} is ${typeof x}, expected a boolean like element 0`);
      return x;
    });
    return array(flags, 'bool');
  }
  if (Array.isArray(first)) {
    items.forEach((x, k) => {
      if (!Array.isArray(x) || x.length !== first.length) throw new TypeError(`defaultCollate: ${where} of element ${k} is not an array of length ${first.length} like element 0`);
    });
    return first.map((_, j) => collate(items.map((x) => (x as unknown[])[j]), `${where}[${j}]`));
  }
  if (typeof first === 'object' && first !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collate(items.map((x) => (x as Record<string, unknown>)[key]), `${where}.${key}`);
    }
    return out;
  }
  throw new TypeError(`defaultCollate: cannot collate ${where} of type ${first === null ? 'null' : typeof first}; pass a collate function`);
}
