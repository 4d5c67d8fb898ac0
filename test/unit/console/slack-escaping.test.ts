import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../../commands/index';
import { escapeCommandText } from '../../../src/console/slack-escaping';
import { SlackWorkspace } from '../../../src/console/slack-workspace';

describe('slash command text as Slack escapes it (should_escape: true)', () => {
  const ws = new SlackWorkspace({
    users: [
      { id: 'U0DEMOREQ01', name: 'riley', realName: 'Riley' },
      { id: 'U0DEMOIC001', name: 'sam', realName: 'Sam' },
    ],
    channels: [{ id: 'C0DEMOCHAN1', name: 'dr-demo' }],
  });

  it('turns mentions of members and channels it knows into Slack links, and leaves the rest as typed', () => {
    expect(escapeCommandText('ic @Riley', ws)).toBe('ic <@U0DEMOREQ01|riley>');
    expect(escapeCommandText('ic @sam', ws)).toBe('ic <@U0DEMOIC001|sam>');
    expect(escapeCommandText('status #dr-demo', ws)).toBe('status <#C0DEMOCHAN1|dr-demo>');
    expect(escapeCommandText('ic @nobody', ws)).toBe('ic @nobody');
    expect(escapeCommandText('pitr demo-db 2024-05-01T10:02:00Z', ws)).toBe('pitr demo-db 2024-05-01T10:02:00Z');
    expect(escapeCommandText('ic me@riley', ws)).toBe('ic me@riley');
  });

  it("offers the console's slash hint for exactly the commands Rewind has", () => {
    const composer = readFileSync(join(__dirname, '../../../src/console/assets/composer.js'), 'utf8');
    const hint = /'((?:[a-z]+ \| )+[a-z]+)'/.exec(composer)?.[1];
    expect(hint?.split(' | ').sort()).toEqual(COMMANDS.map((c) => c.spec.name).sort());
  });
});
