import { PgDrillStore } from '../persistence/drill-store';
import type { StartDeps } from '../drills/start-drill';
import { SlackDrillAnnouncer } from './drill-announcer';
import type { SlackServices } from './slack-services';

/**
 * The drill use cases a command runs (/dr drill, /dr drills), built from what the interactions
 * worker already has. Starting a drill needs no queue: the runtime's drill observer settles it.
 */
export function drillDepsFromSlack(svc: SlackServices): StartDeps {
  return {
    config: svc.config,
    store: new PgDrillStore(svc.pool, svc.scrub),
    announcer: new SlackDrillAnnouncer({ client: svc.client, config: svc.config, now: () => svc.now() }),
    engine: svc.engine,
    runs: svc.store,
    providers: svc.providers,
    now: () => svc.now(),
    logger: { info: () => undefined, warn: (obj, msg) => svc.warn(obj, msg ?? 'drill') },
  };
}
