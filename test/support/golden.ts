import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Golden files: `expectGolden(dir, name, value)` compares `value` (as pretty JSON) with
 * `<dir>/__golden__/<name>.json`. Run with UPDATE_GOLDEN=1 to write the files instead; review
 * the diff and commit them. A missing file fails rather than being created silently.
 */
export function expectGolden(dir: string, name: string, value: unknown): void {
  const file = join(dir, '__golden__', `${name}.json`);
  const actual = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing; run the test with UPDATE_GOLDEN=1 to create it, then review and commit it`);
  expect(JSON.parse(actual)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}
