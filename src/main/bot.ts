import { runMain, startServices } from './services';
import { mountSlackFromEnv } from './slack-mount';

/** `npm run start:bot`: answers Slack and enqueues; executes no steps. */
runMain(() => startServices({ worker: false, mount: mountSlackFromEnv }));
