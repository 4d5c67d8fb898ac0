import { SlackApiError } from './slack-api-error';
import { bool, str } from './slack-args';
import type { MethodHandler } from './slack-method-context';
import type { SlackChannel, SlackUser, SlackWorkspace } from './slack-workspace';

// auth.test, users.info and conversations.info, answering with Slack's object shapes.

/** The UTC offset (seconds) and long name of a time zone at `at`, as users.info reports them. */
export function zoneInfo(tz: string, at: number): { offset: number; label: string } {
  const part = (style: 'longOffset' | 'long'): string =>
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset'));
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  return { offset, label: part('long') };
}

export function wireUser(user: SlackUser, workspace: SlackWorkspace, at: number): Record<string, unknown> {
  const zone = zoneInfo(user.tz, at);
  return {
    id: user.id,
    team_id: workspace.team.id,
    name: user.name,
    deleted: false,
    real_name: user.realName,
    tz: user.tz,
    tz_label: zone.label,
    tz_offset: zone.offset,
    is_admin: user.isAdmin,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: 0,
    profile: {
      real_name: user.realName,
      display_name: user.name,
      ...(user.email === undefined ? {} : { email: user.email }),
      ...(user.botId === undefined ? {} : { bot_id: user.botId }),
      team: workspace.team.id,
    },
  };
}

export function wireChannel(ch: SlackChannel, withMembers: boolean): Record<string, unknown> {
  if (ch.isIm) return { id: ch.id, created: ch.created, is_im: true, is_org_shared: false, user: ch.members[0], is_user_deleted: false };
  return {
    id: ch.id,
    name: ch.name,
    name_normalized: ch.name,
    is_channel: !ch.isPrivate,
    is_group: ch.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: ch.isPrivate,
    is_archived: false,
    is_general: ch.name === 'general',
    is_shared: false,
    is_org_shared: false,
    is_member: ch.botIsMember,
    created: ch.created,
    creator: '',
    topic: { value: ch.topic, creator: '', last_set: 0 },
    purpose: { value: ch.purpose, creator: '', last_set: 0 },
    ...(withMembers ? { num_members: ch.members.length + (ch.botIsMember ? 1 : 0) } : {}),
  };
}

const authTest: MethodHandler = (_args, { workspace, caller }) => ({
  url: `https://${workspace.team.domain}.slack.com/`,
  team: workspace.team.name,
  user: caller.name,
  team_id: workspace.team.id,
  user_id: caller.id,
  ...(caller.botId === undefined ? {} : { bot_id: caller.botId }),
  is_enterprise_install: false,
});

const usersInfo: MethodHandler = (args, { workspace, now }) => {
  const id = str(args, 'user');
  const user = id === undefined ? undefined : workspace.user(id);
  if (!user || user.id !== id) throw new SlackApiError('user_not_found');
  return { user: wireUser(user, workspace, now()) };
};

const conversationsInfo: MethodHandler = (args, { workspace }) => {
  const id = str(args, 'channel');
  const ch = id === undefined ? undefined : workspace.channel(id);
  if (!ch || ch.id !== id || (ch.isPrivate && !ch.botIsMember)) throw new SlackApiError('channel_not_found');
  return { channel: wireChannel(ch, bool(args, 'include_num_members')) };
};

export const INFO_METHODS: Readonly<Record<string, MethodHandler>> = {
  'auth.test': authTest,
  'users.info': usersInfo,
  'conversations.info': conversationsInfo,
};
