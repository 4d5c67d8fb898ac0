import { join } from 'node:path';
import { DEMO_CHANNEL, DEMO_PEOPLE } from '../demo/demo-layout';
import { resetDemo } from '../demo/demo-reset';
import { DEMO_VARIABLES, demoSettings, type DemoSettings } from '../demo/demo-settings';
import { startDemo, type RunningDemo } from '../demo/demo-stack';
import { isoSecond, suggestTarget } from '../demo/suggested-command';
import { RewindError } from '../recovery/errors';

/**
 * `npm run demo`: the embedded default, from a fresh clone. Exit codes: 0 after a clean stop
 * (Ctrl-C / SIGTERM), 1 when the demo could not start or did not stop cleanly, 2 for bad usage.
 */

const say = (line: string) => process.stdout.write(`${line}\n`);
const REPO_ROOT = join(__dirname, '..', '..');

function usage(): string {
  const vars = DEMO_VARIABLES.map((v) => `  ${v.name.padEnd(28)} ${v.description} (default ${v.default})`).join('\n');
  return `Usage: npm run demo [-- --reset]

Starts Rewind's embedded default: a local PostgreSQL source with WAL archiving, a write load
and base backups, a demo app, Rewind's bot + worker, and a Slack-like console in the browser.
  --reset    stop the demo's clusters and delete its directory, then exit

Environment:
${vars}
`;
}

function fail(err: unknown): never {
  const message = err instanceof RewindError ? err.userMessage : `The demo failed: ${(err as Error).stack ?? String(err)}`;
  process.stderr.write(`\n${message}\n`);
  process.exit(1);
}

function banner(demo: RunningDemo, target: Date): string[] {
  const [requester, commander] = DEMO_PEOPLE;
  return [
    '',
    'Rewind demo is running. Open the console:',
    '',
    `    ${demo.consoleUrl}`,
    '',
    `As ${requester?.name} (${requester?.title}), type this in #${DEMO_CHANNEL.name}:`,
    '',
    `    /dr pitr demo-db ${isoSecond(target)}`,
    '',
    `then switch to ${commander?.name} (${commander?.title}) to approve the restore and, after validation, the cutover.`,
    `The demo app shows which database it uses: ${demo.appUrl}`,
    'Ctrl-C stops the demo (the source cluster stops; restored clusters stay for inspection).',
    '',
  ];
}

async function run(settings: DemoSettings): Promise<void> {
  const aborter = new AbortController();
  let demo: RunningDemo | undefined;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`\n${signal} again: exiting without a clean stop.`);
      process.exit(1);
    }
    stopping = true;
    say(`\n${signal}: stopping the demo…`);
    aborter.abort();
    if (demo) void shutdown(demo);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  say(`Rewind demo: state in ${settings.shownDir}`);
  try {
    demo = await startDemo({ settings, say, signal: aborter.signal });
  } catch (err) {
    fail(err);
  }
  if (stopping) return shutdown(demo);
  const target = await suggestTarget(demo.provider, (settings.archiveTimeoutSec + 10) * 1000).catch(() => new Date(Date.now() - 60_000));
  if (!stopping) for (const line of banner(demo, target)) say(line);
}

async function shutdown(demo: RunningDemo): Promise<void> {
  const { lines, failures } = await demo.stop();
  for (const line of lines) say(line);
  for (const f of failures) say(`✗ ${f}`);
  say(failures.length === 0 ? 'Demo stopped.' : `Demo stopped with ${failures.length} problem(s).`);
  process.exit(failures.length === 0 ? 0 : 1);
}

function main(argv: string[]): void {
  const args = argv.filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    say(usage());
    return;
  }
  const unknown = args.filter((a) => a !== '--reset');
  if (unknown.length > 0) {
    process.stderr.write(`Unknown argument ${unknown.map((a) => `"${a}"`).join(', ')}.\n\n${usage()}`);
    process.exit(2);
  }
  let settings: DemoSettings;
  try {
    settings = demoSettings(process.env, REPO_ROOT);
  } catch (err) {
    fail(err);
  }
  if (args.includes('--reset')) {
    resetDemo(settings, say).then(() => process.exit(0), fail);
    return;
  }
  run(settings).catch(fail);
}

main(process.argv.slice(2));
