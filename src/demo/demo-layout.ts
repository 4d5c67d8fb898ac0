import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsolePerson } from '../console/console-event-stream';

/** The console's people and channel; the IDs are the ones config/demo.yml authorises. */
export const DEMO_PEOPLE: ConsolePerson[] = [
  { id: 'U0DEMOREQ01', name: 'Riley', title: 'requester' },
  { id: 'U0DEMOIC001', name: 'Sam', title: 'incident commander' },
];
export const DEMO_CHANNEL = { id: 'C0DEMOCHAN1', name: 'dr-demo' };

export const RESET_HINT = 'npm run demo -- --reset';

/** Written into every demo directory; --reset deletes only directories that carry it. */
export const DEMO_MARKER = 'rewind-demo.json';

export async function markDemoDir(dir: string): Promise<void> {
  const file = join(dir, DEMO_MARKER);
  if (existsSync(file)) return;
  await writeFile(file, `${JSON.stringify({ createdBy: 'rewind npm run demo', createdAt: new Date().toISOString() })}\n`);
}
