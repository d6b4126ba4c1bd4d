// The packages as users get them: `npm pack` of each (what `npm publish` uploads), then the
// tarballs of tensor, autograd, viz and nn installed offline into an empty project (they need
// nothing from the registry), type-checked with the repository's TypeScript and run.
// Run alone: npx vitest run --project tooling pack-install
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { formatDuration as formatDurationHere } from '@chainrule/viz';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PACKAGES = [
  'tensor',
  'autograd',
  'teaching',
  'viz',
  'nn',
  'interpret',
  'onnx',
  'pytorch',
  'playground',
  'cli',
] as const;
/** The packages with no dependency outside this repository: installable with no registry at all. */
const OFFLINE = ['tensor', 'autograd', 'viz', 'nn'] as const;

interface Packed {
  filename: string;
  size: number;
  files: { path: string; size: number }[];
}

let dir = '';
const packed = new Map<string, Packed>();

const exec = promisify(execFile);
const run = async (cmd: string, args: string[], cwd: string) => (await exec(cmd, args, { cwd })).stdout;

beforeAll(async () => {
  // the packages' dist/ as `npm test` leaves it (its type check builds them), or `npm run build`
  for (const p of PACKAGES) {
    if (!existsSync(join(root, 'packages', p, 'dist', 'index.js')))
      throw new Error(`packages/${p}/dist is missing: run npm run build first`);
  }
  dir = mkdtempSync(join(tmpdir(), 'chainrule-pack-'));
  const results = await Promise.all(
    PACKAGES.map((p) => run('npm', ['pack', '--json', '--pack-destination', dir], join(root, 'packages', p))),
  );
  PACKAGES.forEach((p, i) => {
    packed.set(p, (JSON.parse(results[i]!) as Packed[])[0]!);
  });
}, 120_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  it.each(PACKAGES)('@chainrule/%s holds its build, types, README and LICENSE, and no build leftovers', (p) => {
    const files = packed.get(p)!.files.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'])
      expect(files).toContain(f);
    expect(files.filter((f) => f.endsWith('.tsbuildinfo'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/') && f.endsWith('.generated.ts'))).toEqual([]);
    expect(files.filter((f) => f.includes('/test/') || f.startsWith('test/'))).toEqual([]);
    // every output has its source (the prepack script drops those of deleted sources)
    const orphans = files.filter(
      (f) =>
        f.startsWith('dist/') && f.endsWith('.js') && !existsSync(join(root, 'packages', p, `src${f.slice(4, -3)}.ts`)),
    );
    expect(orphans).toEqual([]);
    // no declaration file carries data (the kernels' base64 is typed `string`, not a literal type)
    const bigTypes = packed.get(p)!.files.filter((f) => f.path.endsWith('.d.ts') && f.size > 50_000);
    expect(bigTypes).toEqual([]);
  });

  it('the tensor package ships each wasm kernel build once, in its own module', () => {
    const files = packed.get('tensor')!.files;
    const kernels = files.filter((f) => /kernels-(simd|relaxed)\.generated\.js$/.test(f.path));
    expect(kernels.map((f) => f.path).sort()).toEqual([
      'dist/backends/wasm/kernels-relaxed.generated.js',
      'dist/backends/wasm/kernels-simd.generated.js',
    ]);
    for (const k of kernels) expect(k.size).toBeLessThan(200_000);
  });

  it('the cli package has its command', () => {
    expect(packed.get('cli')!.files.map((f) => f.path)).toContain('bin/chainrule.js');
  });
});

describe('installed from the tarballs', () => {
  it('type-checks and runs a first program', async () => {
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const tarballs = OFFLINE.map((p) => join(dir, packed.get(p)!.filename));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], app);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
        },
        files: ['main.ts'],
      }),
    );
    writeFileSync(
      join(app, 'main.ts'),
      [
        "import { getBackend } from '@chainrule/tensor';",
        "import { tensor } from '@chainrule/autograd';",
        "import { Linear, SGD, mseLoss } from '@chainrule/nn';",
        "import { formatDuration } from '@chainrule/viz';",
        'const net = new Linear(1, 1);',
        'const opt = new SGD(net.parameters(), { lr: 0.1 });',
        'const x = tensor([[0], [1], [2], [3]]);',
        'const y = tensor([[1], [3], [5], [7]]);',
        'const losses: number[] = [];',
        'for (let i = 0; i < 300; i++) {',
        '  opt.zeroGrad();',
        '  const loss = mseLoss(net.forward(x), y);',
        '  loss.backward();',
        '  opt.step();',
        '  losses.push(loss.item());',
        '}',
        'const w: number = net.weight.item();',
        'const took: string = formatDuration(1.5);',
        'const report = { backend: getBackend().name, w, b: net.bias!.item(), took, last: losses.at(-1) };',
        'console.log(JSON.stringify(report));',
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    const out = JSON.parse(await run(process.execPath, ['main.js'], app)) as {
      backend: string;
      w: number;
      b: number;
      took: string;
    };
    expect(out.backend).toMatch(/^wasm/); // the WebAssembly kernels load from the installed package
    expect(out.w).toBeCloseTo(2, 2);
    expect(out.b).toBeCloseTo(1, 2);
    expect(out.took).toBe(formatDurationHere(1.5));
  }, 120_000);
});
