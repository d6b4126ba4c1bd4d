// The one list of test projects. `npm test` runs them all.
export default [
  'packages/tensor',
  'packages/autograd',
  'packages/teaching',
  'packages/viz',
  'packages/nn',
  'packages/interpret',
  'packages/cli',
  'packages/onnx',
  'packages/pytorch',
  'packages/playground',
  'examples',
  'tooling',
];
