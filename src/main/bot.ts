import { runMain, startServices } from './services';

/** `npm run start:bot`: answers Slack and enqueues; executes no steps. */
runMain(() => startServices({ worker: false }));
