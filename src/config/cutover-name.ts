import type { CutoverConfig } from './cutover-schema';

/** The name a cutover has in plans, messages and audit rows. */
export function cutoverName(c: CutoverConfig): string {
  switch (c.type) {
    case 'secrets-manager':
      return `secret ${c.secretId}`;
    case 'kubernetes-restart':
      return `restart ${c.namespace}/${c.deployments.join(', ')}`;
    case 'webhook':
      return c.name;
    case 'connection-file':
      return `connection file ${c.path}`;
  }
}
