import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';

/**
 * Settings a restored database must copy from its source, because a restore does not inherit
 * network or parameters: without them it lands in the default VPC security group and is
 * unreachable. Overrides exist for sandboxes (drills) that must not look like production.
 */
export interface RdsInstanceOverrides {
  instanceClass?: string;
  multiAz?: boolean;
  deletionProtection?: boolean;
  dbSubnetGroupName?: string;
  vpcSecurityGroupIds?: string[];
  dbParameterGroupName?: string;
  publiclyAccessible?: boolean;
}

export interface AuroraClusterOverrides {
  deletionProtection?: boolean;
  dbSubnetGroupName?: string;
  vpcSecurityGroupIds?: string[];
  dbClusterParameterGroupName?: string;
}

/** Parameters shared by RestoreDBInstanceToPointInTime and RestoreDBInstanceFromDBSnapshot. */
export interface InstanceRestoreSettings {
  DBInstanceClass?: string;
  MultiAZ?: boolean;
  StorageType?: string;
  DeletionProtection?: boolean;
  DBSubnetGroupName?: string;
  VpcSecurityGroupIds?: string[];
  DBParameterGroupName?: string;
  PubliclyAccessible?: boolean;
  CopyTagsToSnapshot?: boolean;
  EnableIAMDatabaseAuthentication?: boolean;
}

function activeSecurityGroups(groups: { VpcSecurityGroupId?: string; Status?: string }[] | undefined): string[] | undefined {
  const ids = (groups ?? [])
    .filter((g) => g.Status === undefined || g.Status === 'active' || g.Status === 'adding')
    .map((g) => g.VpcSecurityGroupId)
    .filter((id): id is string => id !== undefined);
  return ids.length > 0 ? ids : undefined;
}

export function instanceRestoreSettings(source: DBInstance, o: RdsInstanceOverrides = {}): InstanceRestoreSettings {
  return {
    DBInstanceClass: o.instanceClass ?? source.DBInstanceClass,
    MultiAZ: o.multiAz ?? source.MultiAZ,
    StorageType: source.StorageType,
    DeletionProtection: o.deletionProtection ?? source.DeletionProtection,
    DBSubnetGroupName: o.dbSubnetGroupName ?? source.DBSubnetGroup?.DBSubnetGroupName,
    VpcSecurityGroupIds: o.vpcSecurityGroupIds ?? activeSecurityGroups(source.VpcSecurityGroups),
    DBParameterGroupName: o.dbParameterGroupName ?? source.DBParameterGroups?.[0]?.DBParameterGroupName,
    PubliclyAccessible: o.publiclyAccessible ?? source.PubliclyAccessible,
    CopyTagsToSnapshot: source.CopyTagsToSnapshot,
    EnableIAMDatabaseAuthentication: source.IAMDatabaseAuthenticationEnabled,
  };
}

/** Parameters for RestoreDBClusterToPointInTime / RestoreDBClusterFromSnapshot. */
export interface ClusterRestoreSettings {
  DBSubnetGroupName?: string;
  VpcSecurityGroupIds?: string[];
  DBClusterParameterGroupName?: string;
  DeletionProtection?: boolean;
  CopyTagsToSnapshot?: boolean;
  EnableIAMDatabaseAuthentication?: boolean;
  ServerlessV2ScalingConfiguration?: { MinCapacity?: number; MaxCapacity?: number };
}

export function clusterRestoreSettings(source: DBCluster, o: AuroraClusterOverrides = {}): ClusterRestoreSettings {
  const scaling = source.ServerlessV2ScalingConfiguration;
  return {
    DBSubnetGroupName: o.dbSubnetGroupName ?? source.DBSubnetGroup,
    VpcSecurityGroupIds: o.vpcSecurityGroupIds ?? activeSecurityGroups(source.VpcSecurityGroups),
    DBClusterParameterGroupName: o.dbClusterParameterGroupName ?? source.DBClusterParameterGroup,
    DeletionProtection: o.deletionProtection ?? source.DeletionProtection,
    CopyTagsToSnapshot: source.CopyTagsToSnapshot,
    EnableIAMDatabaseAuthentication: source.IAMDatabaseAuthenticationEnabled,
    // A db.serverless writer cannot be created in a cluster without a scaling configuration.
    ServerlessV2ScalingConfiguration: scaling ? { MinCapacity: scaling.MinCapacity, MaxCapacity: scaling.MaxCapacity } : undefined,
  };
}
