import type { Endpoint, ProviderResolver, ResourceRef } from '../src/providers/ports';
import { RewindError } from '../src/recovery/errors';
import type { StepContext } from '../src/recovery/step-processor';

/** The restored resource's ref, saved by the restore step; later steps fail clearly without it. */
export function restoredRef(ctx: Pick<StepContext, 'outputOf' | 'run'>): ResourceRef {
  const ref = ctx.outputOf('restore')?.ref as ResourceRef | undefined;
  if (!ref) {
    throw new RewindError({ code: 'NO_RESTORED_INSTANCE', userMessage: `Run ${ctx.run.id} has no restored instance yet; the restore step must succeed first.` });
  }
  return ref;
}

/** Deterministic per run, so a retried or resumed restore asks for the same name and adopts it. */
export function restoreName(database: string, runId: string, suffix = 'dr'): string {
  return `${database}-${suffix}-${runId.replace(/^r-/, '')}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
}

/**
 * The restored instance's endpoint, asked of the source again rather than read from storage:
 * endpoints may carry credentials, and the store keeps no secret.
 */
export async function restoredEndpoint(providers: ProviderResolver, ctx: Pick<StepContext, 'outputOf' | 'run'>): Promise<Endpoint> {
  const ref = restoredRef(ctx);
  const res = await providers(ctx.run.database).source.poll(ref);
  if (res.state !== 'available') {
    throw new RewindError({
      code: 'RESTORED_INSTANCE_UNAVAILABLE',
      userMessage: `The restored instance ${ref.id} is ${res.state === 'failed' ? `failed: ${res.reason}` : 'not available'} right now.`,
      retryable: res.state === 'pending',
    });
  }
  return res.endpoint;
}
