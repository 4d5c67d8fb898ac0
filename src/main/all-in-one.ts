import { runMain, startServices } from './services';
import { mountSlackFromEnv } from './slack-mount';

/** `npm start`: bot and worker in one process, the default deployment. */
runMain(() => startServices({ worker: true, mount: mountSlackFromEnv }));
