// y = x·Wᵀ + b: autograd's fused `linear` op (one recorded node), re-exported as nn's functional form
// (PyTorch's torch.nn.functional.linear). Its documentation and errors are in @chainrule/autograd.
export { linear } from '@chainrule/autograd';
