import { awsPathBench } from './aws-path.bench';
import { drillsBench } from './drills.bench';
import { engineBench } from './engine.bench';
import { localRestoreBench } from './local-restore.bench';
import { slackBench } from './slack.bench';

/** `npm run bench`: prints figures; nothing here passes or fails. */
async function main(): Promise<void> {
  const only = process.argv[2];
  const benches: Record<string, () => Promise<void>> = { engine: engineBench, 'aws-path': awsPathBench, 'local-restore': localRestoreBench, drills: drillsBench, slack: slackBench };
  for (const [name, run] of Object.entries(benches)) {
    if (only && only !== name) continue;
    console.log(`\n# ${name}`);
    await run();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
