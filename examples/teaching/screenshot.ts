/**
 * Opens the graph pictures' HTML pages in headless Chromium and saves screenshots, then checks
 * the PNGs: their size, and that the boxes' colours are there (a blank page would have none).
 * Needs a Chromium binary (Debian: apt-get install -y chromium); says so and exits if none.
 *
 * Run: npx tsx examples/teaching/screenshot.ts [output folder]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMain } from '../lib/is-main.js';
import { writePictures } from './graph-pictures.js';
import { countColour, decodePng } from './png.js';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The path of a Chromium binary ($CHROMIUM_PATH, else the first on $PATH), or null. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && existsSync(fromEnv)) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of NAMES) {
      const path = join(dir, name);
      if (dir.length > 0 && existsSync(path)) return path;
    }
  }
  return null;
}

/** Screenshots `htmlPath` into `pngPath` at the given window size. */
export function screenshot(chromium: string, htmlPath: string, pngPath: string, width = 1100, height = 800): void {
  execFileSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--no-first-run',
      '--disable-dev-shm-usage',
      `--screenshot=${pngPath}`,
      `--window-size=${width},${height}`,
      pathToFileURL(htmlPath).href,
    ],
    { stdio: 'pipe', timeout: 60_000 },
  );
}

/** What a screenshot shows: its size and how many pixels have each box colour. */
export interface ScreenshotCheck {
  readonly png: string;
  readonly width: number;
  readonly height: number;
  readonly parameterFill: number;
  readonly opFill: number;
  readonly outputStroke: number;
}

const SIZES: Record<string, [number, number]> = { notes: [1000, 800], layer: [1000, 1500] };

/** Writes the pictures to `folder`, screenshots the HTML pages (`notes`, `layer`) and inspects the PNGs. */
export function screenshotPictures(
  chromium: string,
  folder: string,
  pages: readonly string[] = ['notes', 'layer'],
): ScreenshotCheck[] {
  writePictures(folder);
  return pages.map((name) => {
    const [width, height] = SIZES[name]!;
    const png = join(folder, `${name}.png`);
    screenshot(chromium, join(folder, `${name}.html`), png, width, height);
    const image = decodePng(readFileSync(png));
    return {
      png,
      width: image.width,
      height: image.height,
      parameterFill: countColour(image, '#fff3dc'),
      opFill: countColour(image, '#eef3fb'),
      outputStroke: countColour(image, '#b03a2e', 24),
    };
  });
}

if (isMain(import.meta.url)) {
  const chromium = findChromium();
  if (chromium === null) {
    console.log('No Chromium found (set CHROMIUM_PATH, or apt-get install -y chromium); nothing to do.');
  } else {
    for (const c of screenshotPictures(chromium, process.argv[2] ?? join(tmpdir(), 'chainrule-teaching'))) {
      console.log(
        `${c.png}: ${c.width}x${c.height}, parameter boxes ${c.parameterFill} px, op boxes ${c.opFill} px, ` +
          `output border ${c.outputStroke} px`,
      );
    }
  }
}
