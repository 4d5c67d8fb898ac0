import { RewindError } from '../../recovery/errors';

/**
 * Maps errors from @kubernetes/client-node (ApiException: `code` = HTTP status, `body` = a
 * Status object) to RewindError. Status messages name objects and verbs, never secret data.
 */
interface ApiExceptionShape {
  code?: unknown;
  body?: unknown;
  message?: unknown;
}

export function kubeStatusCode(err: unknown): number | undefined {
  const code = typeof err === 'object' && err !== null ? (err as ApiExceptionShape).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

function statusMessage(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ApiExceptionShape;
  let body: unknown = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not a Status object; fall back to the exception message
    }
  }
  const fromBody = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  const text = typeof fromBody === 'string' ? fromBody : typeof e.message === 'string' ? e.message : String(err);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** `action` completes "Could not …", e.g. "restart deployment shop/api". */
export function kubeError(err: unknown, action: string): RewindError {
  if (err instanceof RewindError) return err;
  const status = kubeStatusCode(err);
  const msg = statusMessage(err);
  const make = (code: string, userMessage: string, retryable: boolean): RewindError =>
    new RewindError({ code, userMessage, retryable, detail: { httpStatus: status }, cause: err });
  if (status === 404) return make('KUBE_NOT_FOUND', `Could not ${action}: not found (${msg}). Check the namespace and name in rewind.yml.`, false);
  if (status === 401) return make('KUBE_UNAUTHENTICATED', `Could not ${action}: the Kubernetes API rejected Rewind's credentials (${msg}).`, false);
  if (status === 403) {
    return make('KUBE_FORBIDDEN', `Could not ${action}: Rewind's service account lacks the permission (${msg}). Grant get and patch on deployments in that namespace.`, false);
  }
  if (status === 409 || status === 429 || status === undefined || status >= 500) {
    return make('KUBE_UNAVAILABLE', `Could not ${action} right now (${status === undefined ? msg : `HTTP ${status}: ${msg}`}). Rewind will retry.`, true);
  }
  return make('KUBE_ERROR', `Could not ${action}: the Kubernetes API answered HTTP ${status}: ${msg}.`, false);
}
