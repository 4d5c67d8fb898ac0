import { z } from 'zod';
import { cronSchema } from './cron';
import { awsRegion, text } from './text';

/**
 * Where each provider restores from. The database entry's `provider` selects which of these
 * shapes its `source` must have (see schema.ts).
 */

const region = () =>
  awsRegion()
    .optional()
    .describe('AWS region of the source; default: the region from the standard AWS chain (AWS_REGION, profile)');

export const rdsInstanceSourceSchema = z
  .strictObject({
    instanceId: text().describe('identifier of the RDS DB instance to restore from (e.g. "prod-db-01")'),
    region: region(),
  })
  .describe('an Amazon RDS DB instance; restores create a new instance from its automated backups');

export const auroraClusterSourceSchema = z
  .strictObject({
    clusterId: text().describe('identifier of the Aurora DB cluster to restore from'),
    instanceClass: text().describe('DB instance class for the restored cluster\'s writer (e.g. "db.r6g.large")'),
    region: region(),
  })
  .describe('an Amazon Aurora PostgreSQL cluster; restores create a new cluster plus one writer instance');

export const localPostgresSourceSchema = z
  .strictObject({
    archiveDir: text().describe('directory where the source cluster archives WAL segments (archive_command target)'),
    backupDir: text().describe('directory holding base backups taken with pg_basebackup'),
    restoreRoot: text().describe('directory under which each restore creates its own new data directory'),
    dataDir: text().optional().describe('data directory of the running source cluster, if Rewind manages it'),
    port: z.int().min(1).max(65535).optional().describe('TCP port of the source cluster (1-65535)'),
    backupSchedule: cronSchema().optional().describe('5-field cron expression for taking base backups, e.g. "0 */6 * * *"'),
    host: text().optional().describe('host of the source cluster (e.g. "127.0.0.1")'),
    user: text().optional().describe('PostgreSQL role used to connect to the source and restored clusters'),
    database: text().optional().describe('database name inside the cluster that validation checks connect to'),
  })
  .describe('a PostgreSQL cluster on this machine with WAL archiving; restores start a new cluster from a base backup plus WAL');

export type RdsInstanceSource = z.output<typeof rdsInstanceSourceSchema>;
export type AuroraClusterSource = z.output<typeof auroraClusterSourceSchema>;
export type LocalPostgresSource = z.output<typeof localPostgresSourceSchema>;
