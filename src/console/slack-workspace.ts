/**
 * The local Slack's workspace: one team, the app's bot user and token, people, and channels.
 * Channel references resolve the way chat.postMessage accepts them: an ID, a name with or
 * without `#`, or a user ID (the app's direct-message channel with that person).
 */
export interface SlackUser {
  id: string;
  name: string;
  realName: string;
  isBot: boolean;
  isAdmin: boolean;
  tz: string;
  email?: string;
  botId?: string;
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  /** User IDs of the people in the channel (the bot is tracked by `botIsMember`). */
  members: string[];
  botIsMember: boolean;
  created: number;
  topic: string;
  purpose: string;
}

export interface UserSeed {
  id?: string;
  name: string;
  realName?: string;
  tz?: string;
  isAdmin?: boolean;
  email?: string;
}

export interface ChannelSeed {
  id?: string;
  name: string;
  isPrivate?: boolean;
  /** User IDs or names; default: every person in the workspace. */
  members?: string[];
  botIsMember?: boolean;
  topic?: string;
  purpose?: string;
}

export interface WorkspaceSeed {
  team?: { id?: string; name?: string; domain?: string };
  bot?: { userId?: string; botId?: string; appId?: string; name?: string; token?: string };
  users?: UserSeed[];
  channels?: ChannelSeed[];
}

export const DEFAULT_BOT_TOKEN = 'xoxb-rewind-local';

const DEFAULT_USERS: UserSeed[] = [
  { id: 'U0ALICE01', name: 'alice', realName: 'Alice Admin', isAdmin: true },
  { id: 'U0BOB0001', name: 'bob', realName: 'Bob Builder' },
  { id: 'U0CAROL01', name: 'carol', realName: 'Carol Oncall' },
];
const DEFAULT_CHANNELS: ChannelSeed[] = [
  { id: 'C0GENERAL', name: 'general' },
  { id: 'C0DROPS01', name: 'dr-ops' },
];

export class SlackWorkspace {
  readonly team: { id: string; name: string; domain: string };
  readonly bot: { userId: string; botId: string; appId: string; name: string; token: string };
  private readonly usersById = new Map<string, SlackUser>();
  private readonly channelsById = new Map<string, SlackChannel>();
  private readonly tokens = new Map<string, string>();
  private seq = 0;

  constructor(
    seed: WorkspaceSeed = {},
    private readonly now: () => number = Date.now,
  ) {
    this.team = { id: seed.team?.id ?? 'T0REWIND1', name: seed.team?.name ?? 'Rewind Local', domain: seed.team?.domain ?? 'rewind-local' };
    const b = seed.bot ?? {};
    this.bot = {
      userId: b.userId ?? 'U0REWINDB',
      botId: b.botId ?? 'B0REWIND1',
      appId: b.appId ?? 'A0REWIND1',
      name: b.name ?? 'rewind',
      token: b.token ?? DEFAULT_BOT_TOKEN,
    };
    this.usersById.set(this.bot.userId, {
      id: this.bot.userId,
      name: this.bot.name,
      realName: this.bot.name,
      isBot: true,
      isAdmin: false,
      tz: 'UTC',
      botId: this.bot.botId,
    });
    this.tokens.set(this.bot.token, this.bot.userId);
    for (const u of seed.users ?? DEFAULT_USERS) this.addUser(u);
    for (const c of seed.channels ?? DEFAULT_CHANNELS) this.addChannel(c);
  }

  private nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}${this.seq.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  addUser(seed: UserSeed): SlackUser {
    const user: SlackUser = {
      id: seed.id ?? this.nextId('U'),
      name: seed.name,
      realName: seed.realName ?? seed.name,
      isBot: false,
      isAdmin: seed.isAdmin ?? false,
      tz: seed.tz ?? 'UTC',
      ...(seed.email === undefined ? {} : { email: seed.email }),
    };
    this.usersById.set(user.id, user);
    return user;
  }

  addChannel(seed: ChannelSeed): SlackChannel {
    const people = this.users().filter((u) => !u.isBot);
    const members = seed.members
      ? seed.members.map((ref) => this.user(ref)?.id ?? ref)
      : people.map((u) => u.id);
    const channel: SlackChannel = {
      id: seed.id ?? this.nextId(seed.isPrivate ? 'G' : 'C'),
      name: seed.name.replace(/^#/, ''),
      isPrivate: seed.isPrivate ?? false,
      isIm: false,
      members,
      botIsMember: seed.botIsMember ?? true,
      created: Math.floor(this.now() / 1000),
      topic: seed.topic ?? '',
      purpose: seed.purpose ?? '',
    };
    this.channelsById.set(channel.id, channel);
    return channel;
  }

  /** Grants another token to a user of this workspace (each token has its own rate budgets). */
  addToken(token: string, userId: string = this.bot.userId): void {
    this.tokens.set(token, userId);
  }

  /** The user a token acts as, or undefined when Slack would answer `invalid_auth`. */
  tokenUser(token: string): SlackUser | undefined {
    const id = this.tokens.get(token);
    return id === undefined ? undefined : this.usersById.get(id);
  }

  users(): SlackUser[] {
    return [...this.usersById.values()];
  }

  /** By ID, or by name with or without `@`. */
  user(ref: string): SlackUser | undefined {
    const name = ref.replace(/^@/, '');
    return this.usersById.get(ref) ?? this.users().find((u) => u.name === name);
  }

  channels(): SlackChannel[] {
    return [...this.channelsById.values()];
  }

  /** By ID, name (`dr-ops` or `#dr-ops`), or a person's ID for the app's DM with them. */
  channel(ref: string): SlackChannel | undefined {
    const byId = this.channelsById.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, '');
    const byName = this.channels().find((c) => !c.isIm && c.name === name);
    if (byName) return byName;
    const person = this.usersById.get(ref);
    return person && !person.isBot ? this.imWith(person) : undefined;
  }

  /** The app's direct-message channel with a person, opened on first use. */
  imWith(user: SlackUser): SlackChannel {
    const existing = this.channels().find((c) => c.isIm && c.members[0] === user.id);
    if (existing) return existing;
    const im: SlackChannel = {
      id: this.nextId('D'),
      name: user.id,
      isPrivate: true,
      isIm: true,
      members: [user.id],
      botIsMember: true,
      created: Math.floor(this.now() / 1000),
      topic: '',
      purpose: '',
    };
    this.channelsById.set(im.id, im);
    return im;
  }
}
