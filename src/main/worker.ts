import { runMain, startServices } from './services';

/** `npm run start:worker`: executes steps; run any number of these next to the bots. */
runMain(() => startServices({ worker: true }));
