import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_VARIABLES, demoSettings } from '../../../src/demo/demo-settings';

const ROOT = join(__dirname, '..', '..', '..');

describe('demo settings', () => {
  it("documents the same variables and defaults as the README's Embedded default table", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = /^## Embedded default\n([\s\S]*?)^#/m.exec(readme)?.[1] ?? '';
    const table = [...section.matchAll(/^\| `([A-Z_]+)` \| `([^`]*)` \|/gm)].map((m) => [m[1], m[2]]);
    expect(table).toEqual(DEMO_VARIABLES.map((v) => [v.name, v.default]));
  });

  it('keeps 6 base backups unless REWIND_DEMO_KEEP_BACKUPS says otherwise, and refuses nonsense', () => {
    expect(demoSettings({}, ROOT, '/tmp').keepBackups).toBe(6);
    expect(demoSettings({ REWIND_DEMO_KEEP_BACKUPS: ' 48 ' }, ROOT, '/tmp').keepBackups).toBe(48);
    expect(demoSettings({ REWIND_DEMO_KEEP_BACKUPS: '' }, ROOT, '/tmp').keepBackups).toBe(6);
    for (const bad of ['0', '-1', '2.5', 'all']) {
      expect(() => demoSettings({ REWIND_DEMO_KEEP_BACKUPS: bad }, ROOT, '/tmp')).toThrow(`REWIND_DEMO_KEEP_BACKUPS: expected a number of backups 1-10000, got "${bad}"`);
    }
  });
});
