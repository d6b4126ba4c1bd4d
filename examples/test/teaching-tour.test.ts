// TEACHING.md shows each teaching feature with its output: every output block there must be what
// examples/teaching/tour.ts prints now, and its pictures what the tour draws.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECTIONS, writePictures } from '../teaching/tour.js';

const root = new URL('../../', import.meta.url);
const page = readFileSync(new URL('TEACHING.md', root), 'utf8');

describe('TEACHING.md', () => {
  for (const [name, run] of Object.entries(SECTIONS)) {
    it(`shows the ${name} output as the tour prints it`, () => {
      expect(page).toContain(`\`\`\`text\n${run()}\n\`\`\``);
    });
  }

  it('shows the pictures the tour draws', () => {
    const folder = mkdtempSync(join(tmpdir(), 'chainrule-tour-'));
    for (const file of writePictures(folder)) {
      const committed = readFileSync(new URL(`docs/teaching/${basename(file)}`, root), 'utf8');
      expect(readFileSync(file, 'utf8')).toBe(committed);
    }
  });
});
