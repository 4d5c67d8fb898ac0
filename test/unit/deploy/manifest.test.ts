import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..', '..');

interface SlashCommand {
  command: string;
  url: string;
  description: string;
  usage_hint: string;
  should_escape: boolean;
}

interface Manifest {
  display_information: { name: string; description?: string };
  features: { bot_user: { display_name: string }; slash_commands: SlashCommand[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
    org_deploy_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

const manifest = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;

/**
 * The subcommands a usage hint advertises: the first word of each " | "-separated part (a bare
 * "|" inside a part, as in "latest|<backup-id>", separates alternatives of one argument).
 */
function usageHintSubcommands(hint: string): string[] {
  return hint.split(/\s+\|\s+/).map((part) => part.trim().split(/\s+/)[0] ?? '');
}

describe('manifest.yml', () => {
  const dr = manifest.features.slash_commands.find((command) => command.command === '/dr');

  it('describes the Rewind app with a bot user', () => {
    expect(manifest.display_information.name).toBe('Rewind');
    expect((manifest.display_information.description ?? '').length).toBeLessThanOrEqual(140);
    expect(manifest.features.bot_user.display_name).toBe('Rewind');
  });

  it('registers /dr on /slack/events, with mentions escaped to user IDs', () => {
    expect(manifest.features.slash_commands).toHaveLength(1);
    expect(dr).toMatchObject({ url: 'https://rewind.example.com/slack/events', should_escape: true });
    expect(dr?.description.length).toBeGreaterThan(0);
  });

  it('has a parseable usage hint', () => {
    expect(usageHintSubcommands(dr?.usage_hint ?? '')).toEqual(['pitr', 'restore', 'drill', 'backups', 'status', 'abort', 'resume', 'ic', 'drills', 'help']);
  });

  it('asks for exactly the scopes Rewind uses', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write', 'chat:write.public', 'users:read', 'channels:read']);
  });

  it('sends interactions to /slack/events over HTTP', () => {
    expect(manifest.settings).toEqual({
      interactivity: { is_enabled: true, request_url: 'https://rewind.example.com/slack/events' },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    });
  });
});
