import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMMANDS, parseCommandText, usageHint } from '../../../commands/index';

// The drill commands exist where people find commands: the registry (so the listener routes
// them and help lists them) and the manifest's usage hint, which must say what the registry says.

describe('drill commands', () => {
  it('are registered, and the manifest advertises exactly the registry', () => {
    expect(COMMANDS.map((c) => c.spec.name)).toEqual(expect.arrayContaining(['drill', 'drills']));
    expect(parseCommandText('drills report d-k3m9qz json')).toMatchObject({ ok: true, command: { spec: { name: 'drills' } }, args: ['report', 'd-k3m9qz', 'json'] });
    const manifest = parse(readFileSync(join(__dirname, '..', '..', '..', 'manifest.yml'), 'utf8')) as { features: { slash_commands: Array<{ usage_hint: string }> } };
    expect(manifest.features.slash_commands[0]?.usage_hint).toBe(usageHint());
  });
});
