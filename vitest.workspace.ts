// The one list of test projects. `npm test` runs them all.
export default [
  'packages/tensor',
  'packages/autograd',
  'packages/teaching',
  'packages/viz',
  'packages/nn',
  'packages/cli',
  'packages/onnx',
  'examples',
  'tooling',
];
