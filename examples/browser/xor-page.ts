/**
 * The browser side of examples/browser/run.ts: trains XOR with @chainrule/nn inside a web page and
 * writes the result into the page as JSON. Bundled for the browser by esbuild.
 */
import { tensor } from '@chainrule/autograd';
import { Linear, SGD, Sequential, Sigmoid, mseLoss } from '@chainrule/nn';
import { Rng, getBackend } from '@chainrule/tensor';

declare const document: { body: { textContent: string | null } };

const rng = new Rng(3);
const model = new Sequential(new Linear(2, 2, { rng }), new Sigmoid(), new Linear(2, 1, { rng }), new Sigmoid());
const opt = new SGD(model.parameters(), { lr: 2 });
const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const t = tensor([[0], [1], [1], [0]]);
const started = Date.now();
let loss = Number.NaN;
for (let i = 0; i < 3000; i++) {
  opt.zeroGrad();
  const l = mseLoss(model.forward(x), t);
  l.backward();
  opt.step();
  loss = l.item();
}
document.body.textContent = JSON.stringify({
  backend: getBackend().name,
  outputs: (model.forward(x).toArray() as number[][]).map((r) => r[0]),
  loss,
  ms: Date.now() - started,
});
