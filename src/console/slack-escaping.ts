import type { SlackUser, SlackWorkspace } from './slack-workspace';

/**
 * What Slack does to a slash command's text when the command has `should_escape: true` (as
 * Rewind's manifest.yml asks): mentions of people and channels it recognises reach the app as
 * `<@U…|name>` and `<#C…|name>`; anything else stays as typed. The console has no @ picker, so
 * a typed `@name` of a workspace member is recognised the way Slack's autocomplete would.
 */
export function escapeCommandText(text: string, ws: SlackWorkspace): string {
  return text.replace(/(^|\s)([@#])([A-Za-z0-9._-]+)/g, (all: string, before: string, sigil: string, name: string) => {
    if (sigil === '@') {
      const user = personNamed(ws, name);
      return user ? `${before}<@${user.id}|${user.name}>` : all;
    }
    const channel = ws.channel(name);
    return channel && !channel.isIm ? `${before}<#${channel.id}|${channel.name}>` : all;
  });
}

function personNamed(ws: SlackWorkspace, name: string): SlackUser | undefined {
  const exact = ws.user(name);
  if (exact && !exact.isBot) return exact;
  const lower = name.toLowerCase();
  return ws.users().find((u) => !u.isBot && (u.name.toLowerCase() === lower || u.realName.toLowerCase() === lower));
}
