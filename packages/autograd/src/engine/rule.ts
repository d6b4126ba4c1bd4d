import * as T from '@chainrule/tensor';
import { checkFinite, insideRule, isAnomalyEnabled } from '../anomaly.js';
import { AutogradError } from '../errors.js';
import type { Node, Tensor, Uses } from '../tensor.js';

/** Runs a node's derivative rule after checking that its saved values were not edited in place. */
export function applyRule(node: Node, g: Tensor): readonly (Tensor | null)[] {
  const vjp = node.record.vjp!;
  const inputs = node.inputs;
  checkSavedValues(node);
  const ctx = { inputs, output: node.output!, params: node.params };
  const anomaly = isAnomalyEnabled();
  const grads = anomaly ? insideRule(() => vjp(g, ctx)) : vjp(g, ctx);
  for (let i = 0; i < inputs.length; i++) {
    const gi = grads[i];
    if (gi === null || gi === undefined) continue;
    const x = inputs[i]!;
    if (!T.shapesEqual(gi.shape, x.shape)) {
      throw new AutogradError(
        node.op,
        `the derivative rule returned a gradient of shape ${T.fmtShape(gi.shape)} for input ${i} of shape ` +
          `${T.fmtShape(x.shape)}`,
      );
    }
    if (gi.dtype !== x.dtype) {
      throw new AutogradError(
        node.op,
        `the derivative rule returned a ${gi.dtype} gradient for input ${i} of dtype ${x.dtype}`,
      );
    }
    if (anomaly)
      checkFinite(
        'backward',
        node.op,
        gi.value,
        [g.value, ...inputs.map((t) => t.value)],
        node,
        ` in the gradient of input ${i}`,
      );
  }
  return grads;
}

/** Throws if a saved value the rule of `node` reads was written in place after the op ran. */
export function checkSavedValues(node: Node): void {
  // nearly always nothing was written: then the rule's `uses` need not be looked up
  const inputs = node.inputs;
  let written = node.output !== null && node.output.version !== node.outputVersion;
  for (let i = 0; i < inputs.length && !written; i++) written = inputs[i]!.version !== node.inputVersions[i];
  if (written) checkVersions(node, node.record.uses);
}

/** Throws if a value the rule reads (per `uses`) was written in place after the op ran. */
function checkVersions(node: Node, uses: Uses): void {
  if (uses === 'inputs' || uses === 'both') {
    const inputs = node.inputs;
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!;
      if (x.version !== node.inputVersions[i]) throw versionError(node, `input ${i}`, x, node.inputVersions[i]!);
    }
  }
  if ((uses === 'output' || uses === 'both') && node.output !== null && node.output.version !== node.outputVersion) {
    throw versionError(node, 'output', node.output, node.outputVersion);
  }
}

function versionError(node: Node, which: string, t: Tensor, expected: number): AutogradError {
  return new AutogradError(
    'backward',
    `one of the tensors needed for gradient computation has been modified by an in-place operation: ` +
      `the ${which} of '${node.op}' (shape ${T.fmtShape(t.shape)}) is at version ${t.version}; ` +
      `expected version ${expected}`,
  );
}
