import type { DatabaseConfig } from '../config/schema';
import type { RestorableWindow, RestoreTarget } from '../providers/ports';
import { buildDrillPlan } from '../recovery/plans';
import type { Plan } from '../recovery/run';
import type { DrillKind } from './drill';
import { SMOKE_KIND } from './drill-report';

/**
 * The drill's plan: the engine's drill plan (check window → restore into a sandbox → wait →
 * validate → teardown) with a smoke test after the runbook's checks. A drill never cuts over.
 */
export function drillPlan(db: Pick<DatabaseConfig, 'name' | 'validation'>, target: RestoreTarget, kind: DrillKind = 'drill'): Plan {
  const plan = buildDrillPlan({ database: db.name, cutovers: [], healthChecks: 0, validationChecks: db.validation.length }, target);
  const steps = plan.steps.flatMap((s) => {
    if (s.kind === 'restore' && kind === 'verification') return [{ ...s, params: { ...s.params, nameSuffix: 'verify' } }];
    if (s.kind === 'validate') return [s, { kind: SMOKE_KIND, name: 'Smoke test the sandbox' }];
    return [s];
  });
  if (steps.some((s) => s.kind === 'cutover')) throw new Error('a drill plan must never cut over');
  return { ...plan, steps };
}

/**
 * "latest", or a random instant in the restorable window (whole seconds, so it reads well and
 * round-trips through every provider). A window of zero length gives its one instant.
 */
export function drillTarget(mode: 'latest' | 'random', window: RestorableWindow | undefined, random: () => number = Math.random): RestoreTarget {
  if (mode === 'latest' || window === undefined) return { kind: 'latest' };
  const from = Math.ceil(window.earliest.getTime() / 1000) * 1000;
  const to = Math.floor(window.latest.getTime() / 1000) * 1000;
  if (to <= from) return { kind: 'time', at: new Date(window.latest.getTime()) };
  return { kind: 'time', at: new Date(from + Math.floor(random() * ((to - from) / 1000 + 1)) * 1000) };
}
