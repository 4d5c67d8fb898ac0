import { runMain, startServices } from './services';

/** `npm start`: bot and worker in one process, the default deployment. */
runMain(() => startServices({ worker: true }));
