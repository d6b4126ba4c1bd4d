/**
 * A plain PyTorch state dict, with no chainrule metadata, read as an MLP: the architecture comes
 * from the weight shapes and from the flags `--activation` and `--loss` (nothing is guessed). The
 * linear layers may be named as chainrule names them (`fc1`, `fc2`, ...) or as an `nn.Sequential`
 * does (`0`, `2`, ... or `net.0`, `net.2`, ...); they are taken in the order of the numbers in
 * their names. float64 weights are cast to float32.
 */
import { Tensor } from '@chainrule/autograd';
import { cast } from '@chainrule/tensor';
import { CliError } from '../errors.js';
import { type ActivationName, type Architecture, type LossName, outputFor } from './architecture.js';

/** The flags that describe a plain state dict's architecture (empty: not given). */
export interface ArchitectureFlags {
  activation: ActivationName | '';
  loss: LossName | '';
  /** Hidden sizes to check against the weights ([]: not given). */
  hidden: readonly number[];
}

/** Whether any architecture flag was given. */
export function givenArchitecture(flags: ArchitectureFlags): boolean {
  return flags.activation !== '' || flags.loss !== '' || flags.hidden.length > 0;
}

/**
 * The architecture of a plain state dict and its tensors renamed to `fc1.weight`, ... .
 * @throws CliError naming the checkpoint and what does not fit (a missing flag, a tensor that is
 * not a linear layer's, shapes that do not chain, hidden sizes that differ from --hidden).
 */
export function readPlainStateDict(
  tensors: ReadonlyMap<string, Tensor>,
  flags: ArchitectureFlags,
  path: string,
): { architecture: Architecture; tensors: Map<string, Tensor> } {
  const bad = (detail: string): CliError => new CliError(`checkpoint '${path}' ${detail}`);
  if (flags.activation === '' || flags.loss === '')
    throw bad(
      'has no chainrule architecture in its metadata; to read it as a plain PyTorch state dict, ' +
        'give --activation and --loss (and optionally --hidden to check the sizes)',
    );
  const layers = new Map<string, { weight?: Tensor; bias?: Tensor }>();
  for (const [key, value] of tensors) {
    const m = /^(.*)\.(weight|bias)$/.exec(key);
    if (m === null) throw bad(`holds '${key}', which is not a linear layer's weight or bias`);
    const layer = layers.get(m[1]!) ?? {};
    layer[m[2] as 'weight' | 'bias'] = value;
    layers.set(m[1]!, layer);
  }
  const order = (name: string): number[] => (name.match(/\d+/g) ?? []).map(Number);
  const names = [...layers.keys()].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  });
  if (names.length === 0) throw bad('holds no tensors');
  const renamed = new Map<string, Tensor>();
  const sizes: number[] = [];
  names.forEach((name, i) => {
    const { weight, bias } = layers.get(name)!;
    if (weight === undefined || bias === undefined)
      throw bad(`has no '${name}.${weight === undefined ? 'weight' : 'bias'}' (each linear layer needs both)`);
    const [out, inp] = weight.shape;
    if (weight.ndim !== 2 || bias.ndim !== 1 || bias.shape[0] !== out)
      throw bad(`'${name}' is not a linear layer: weight [${weight.shape}], bias [${bias.shape}]`);
    if (i > 0 && inp !== sizes[i])
      throw bad(`'${name}.weight' takes ${inp} inputs, but the layer before gives ${sizes[i]}`);
    if (i === 0) sizes.push(inp!);
    sizes.push(out!);
    for (const [part, t] of [['weight', weight] as const, ['bias', bias] as const]) {
      if (t.dtype !== 'float32' && t.dtype !== 'float64') throw bad(`'${name}.${part}' is ${t.dtype}, expected floats`);
      renamed.set(`fc${i + 1}.${part}`, t.dtype === 'float32' ? t : new Tensor(cast(t.value, 'float32')));
    }
  });
  const hidden = sizes.slice(1, -1);
  if (flags.hidden.length > 0 && flags.hidden.join(',') !== hidden.join(','))
    throw bad(`has hidden sizes ${hidden.join(',') || '(none)'}, but --hidden says ${flags.hidden.join(',')}`);
  const architecture: Architecture = {
    inputs: sizes[0]!,
    hidden,
    classes: sizes[sizes.length - 1]!,
    activation: flags.activation,
    output: outputFor(flags.loss),
    dropout: 0,
  };
  return { architecture, tensors: renamed };
}
