import { closestMatch } from '../src/config/closest';
import { abortCommand } from './abort';
import { quoteInput } from './args';
import { backupsCommand } from './backups';
import { drillCommand } from './drill';
import { drillsCommand } from './drills';
import { helpCommand } from './help';
import { icCommand } from './ic';
import { pitrCommand } from './pitr';
import { restoreCommand } from './restore';
import { resumeCommand } from './resume';
import { statusCommand } from './status';
import type { SlashCommand } from './types';

/**
 * Every /dr subcommand, in the order help and the manifest's usage hint list them. A command
 * missing here does not exist: the listener, help and the manifest test all read this list.
 */
export const COMMANDS: readonly SlashCommand[] = [
  pitrCommand,
  restoreCommand,
  drillCommand,
  backupsCommand,
  statusCommand,
  abortCommand,
  resumeCommand,
  icCommand,
  drillsCommand,
  helpCommand(() => COMMANDS),
];

export function findCommand(name: string): SlashCommand | undefined {
  return COMMANDS.find((c) => c.spec.name === name);
}

/** The manifest's usage hint for /dr, derived from the registry. */
export function usageHint(): string {
  return COMMANDS.map((c) => c.spec.hint).join(' | ');
}

/** Longer command text is refused unread: no /dr command needs more. */
export const MAX_COMMAND_TEXT = 300;

export type ParsedText = { ok: true; command: SlashCommand; args: string[] } | { ok: false; message: string };

/** Splits `/dr <subcommand> <args…>`; an empty text is help. */
export function parseCommandText(text: string): ParsedText {
  if (text.length > MAX_COMMAND_TEXT) {
    return { ok: false, message: `That command is ${text.length} characters long; /dr commands are short, like \`/dr pitr prod-db-01 15m ago\`. Nothing was started. \`/dr help\` lists the commands you may run.` };
  }
  // eslint-disable-next-line no-control-regex
  const words = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim().split(/\s+/).filter((w) => w !== '');
  const [first, ...args] = words;
  const name = (first ?? 'help').toLowerCase();
  const command = findCommand(name);
  if (command) return { ok: true, command, args };
  const names = COMMANDS.map((c) => c.spec.name);
  // Swapped letters ("pirt") are the commonest typo and count double in plain edit distance.
  const anagram = (w: string) => [...w].sort().join('');
  const guess = closestMatch(name, names) ?? names.find((n) => n.length === name.length && anagram(n) === anagram(name));
  return { ok: false, message: `Rewind has no command ${quoteInput(first ?? '')}${guess ? `; did you mean \`/dr ${guess}\`?` : '.'} \`/dr help\` lists the commands you may run.` };
}
