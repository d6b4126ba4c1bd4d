/** Axis arithmetic shared by the shape ops and the reductions. */

/** The axes along which `expand` broadcast `from` to `to` (leading new axes and stretched 1s). */
export function broadcastAxes(from: readonly number[], to: readonly number[]): number[] {
  const lead = to.length - from.length;
  const axes: number[] = [];
  for (let i = 0; i < to.length; i++) if (i < lead || (from[i - lead] === 1 && to[i] !== 1)) axes.push(i);
  return axes;
}

/** The permutation that undoes `order`. */
export function inversePermutation(order: readonly number[]): number[] {
  const inv = new Array<number>(order.length);
  order.forEach((o, i) => {
    inv[o] = i;
  });
  return inv;
}
