import type { DBCluster, RDSClient } from '@aws-sdk/client-rds';
import { RewindError } from '../../recovery/errors';
import { findInstance } from './rds-lookup';

/** What the restored cluster's writer copies from the source cluster's writer. */
export interface WriterSettings {
  instanceClass: string;
  parameterGroup?: string;
  publiclyAccessible?: boolean;
}

export async function writerInstanceSettings(rds: RDSClient, source: DBCluster, instanceClass?: string): Promise<WriterSettings> {
  const members = source.DBClusterMembers ?? [];
  const writerId = (members.find((m) => m.IsClusterWriter) ?? members[0])?.DBInstanceIdentifier;
  const writer = writerId ? await findInstance(rds, writerId) : undefined;
  const cls = instanceClass ?? writer?.DBInstanceClass;
  if (cls === undefined) {
    throw new RewindError({
      code: 'INSTANCE_CLASS_UNKNOWN',
      userMessage: `The source cluster ${source.DBClusterIdentifier ?? ''} has no writer instance to copy the instance class from. Set instanceClass for this database in rewind.yml.`,
    });
  }
  return {
    instanceClass: cls,
    parameterGroup: writer?.DBParameterGroups?.[0]?.DBParameterGroupName,
    publiclyAccessible: writer?.PubliclyAccessible,
  };
}
