import { z } from 'zod';
import { cutoverSchema } from './cutover-schema';
import { drillsSchema, type DrillsConfig } from './drills-schema';
import { durationSchema } from './duration';
import { healthCheckSchema } from './health-check-schema';
import { slackChannelIdSchema, slackUserIdSchema } from './slack-ids';
import { auroraClusterSourceSchema, localPostgresSourceSchema, rdsInstanceSourceSchema } from './source-schema';
import { patterned, uniqueNames } from './text';
import { timeZoneSchema } from './timezone';
import { validationCheckSchema } from './validation-schema';

/**
 * The schema of rewind.yml. Every field carries a description (used in error messages and
 * generated docs). Objects are strict: an unknown key is an error, so a typo never silently
 * disables a safety setting. Durations come out as milliseconds.
 */

export const DATABASE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const databaseFields = {
  production: z
    .boolean()
    .default(false)
    .describe('true for a production database: its cutover asks the approver to type the database name (default false)'),
  rto: durationSchema('15m').describe('recovery time objective, how long a restore may take end to end, a duration like "15m"'),
  rpo: durationSchema('5m').describe('recovery point objective, how much recent data a restore may lose, a duration like "5m"'),
  channels: z
    .array(slackChannelIdSchema())
    .min(1, { error: 'list at least one channel ID, or remove the key to allow every channel' })
    .optional()
    .describe('Slack channel IDs where runs for this database may be started; default: any channel'),
  operators: z
    .array(slackUserIdSchema())
    .min(1, { error: 'list at least one Slack user ID who may start runs' })
    .describe('Slack user IDs who may start runs for this database (at least one)'),
  approvers: z
    .array(slackUserIdSchema())
    .default([])
    .describe('Slack user IDs who may approve gates; the channel\'s incident commander may approve too (default: none)'),
  twoPersonRule: z.boolean().default(false).describe('true to forbid the person who started a run from approving it (default false)'),
  cutover: z.array(cutoverSchema).default([]).describe('cutover actions, applied in this order and rolled back in reverse (default: none)'),
  healthChecks: z
    .array(healthCheckSchema)
    .superRefine(uniqueNames('health check'))
    .default([])
    .describe('probes run after the cutover (default: none)'),
  validation: z
    .array(validationCheckSchema)
    .superRefine(uniqueNames('validation check'))
    .default([])
    .describe('runbook SQL checks on the restored copy before cutover (default: none)'),
  drills: drillsSchema.optional().describe('scheduled restore drills (default: none)'),
};

const providerField = <N extends string>(name: N, what: string) => z.literal(name).describe(`"${name}": ${what}`);

export const rdsInstanceDatabaseSchema = z.strictObject({
  provider: providerField('rds-instance', 'an Amazon RDS DB instance'),
  ...databaseFields,
  source: rdsInstanceSourceSchema.describe('the RDS DB instance to restore from, { instanceId, region? }'),
});

export const auroraClusterDatabaseSchema = z.strictObject({
  provider: providerField('aurora-cluster', 'an Amazon Aurora PostgreSQL cluster'),
  ...databaseFields,
  source: auroraClusterSourceSchema.describe('the Aurora cluster to restore from, { clusterId, instanceClass, region? }'),
});

export const localPostgresDatabaseSchema = z.strictObject({
  provider: providerField('local-postgres', 'a PostgreSQL cluster on this machine with WAL archiving'),
  ...databaseFields,
  source: localPostgresSourceSchema.describe('the local cluster to restore from, { archiveDir, backupDir, restoreRoot, dataDir?, port?, backupSchedule?, host?, user?, database? }'),
});

export const databaseSchema = z
  .discriminatedUnion('provider', [rdsInstanceDatabaseSchema, auroraClusterDatabaseSchema, localPostgresDatabaseSchema])
  .describe('one database Rewind can restore; `provider` decides the shape of `source`');

export const PROVIDERS = databaseSchema.options.map((option) => option.shape.provider.value);
export type Provider = (typeof PROVIDERS)[number];

export const channelSettingsSchema = z
  .strictObject({
    timezone: timeZoneSchema().optional().describe('IANA time zone for times shown in this channel; default: the top-level timezone'),
    incidentCommander: slackUserIdSchema().optional().describe('Slack user ID of the incident commander, who may approve gates in this channel'),
  })
  .describe('settings for one Slack channel');

const databaseName = patterned(
  DATABASE_NAME,
  'a database name like "prod-db-01"',
  'use lowercase letters, digits and dashes, start with a letter or digit, at most 63 characters',
);

const parsedConfigSchema = z
  .strictObject({
    timezone: timeZoneSchema().default('UTC').describe('IANA time zone for times shown where a channel sets none (default UTC)'),
    retention: durationSchema('72h')
      .default(72 * 3_600_000)
      .describe('how long the replaced instance is kept after a cutover before cleanup (default 72h)'),
    channels: z
      .record(slackChannelIdSchema(), channelSettingsSchema)
      .default({})
      .describe('per-channel settings keyed by Slack channel ID (C…/G…) (default: none)'),
    databases: z
      .record(databaseName, databaseSchema)
      .refine((databases) => Object.keys(databases).length > 0, { error: 'define at least one database (see rewind.example.yml)' })
      .describe('the databases Rewind can restore, keyed by database name like "prod-db-01"'),
  })
  .describe('rewind.yml: settings (timezone, retention, channels) and databases');

type ParsedDatabase = z.output<typeof databaseSchema>;

/** Drill settings with the time zone resolved (the drill's own, else the top-level one). */
export type ResolvedDrillsConfig = DrillsConfig & { timezone: string };

/** One database from rewind.yml, with its name (the key it was defined under) filled in. */
export type DatabaseConfig = WithNameAndDrills<ParsedDatabase>;
type WithNameAndDrills<D> = D extends unknown ? Omit<D, 'drills'> & { name: string; drills?: ResolvedDrillsConfig } : never;

/** The database entries of one provider, e.g. `DatabaseConfigOf<'local-postgres'>`. */
export type DatabaseConfigOf<P extends Provider> = Extract<DatabaseConfig, { provider: P }>;

export type ChannelSettings = z.output<typeof channelSettingsSchema>;

export type RewindConfig = Omit<z.output<typeof parsedConfigSchema>, 'databases'> & {
  databases: Record<string, DatabaseConfig>;
};

function resolveDatabase(name: string, database: ParsedDatabase, defaultTimeZone: string): DatabaseConfig {
  // The spread keeps `drills` typed as unresolved even though it is undefined on this branch.
  if (database.drills === undefined) return { ...database, name } as DatabaseConfig;
  const drills: ResolvedDrillsConfig = { ...database.drills, timezone: database.drills.timezone ?? defaultTimeZone };
  return { ...database, name, drills };
}

/** The full rewind.yml schema; its output is a `RewindConfig`. */
export const rewindConfigSchema = parsedConfigSchema.transform(
  (config): RewindConfig => ({
    ...config,
    databases: Object.fromEntries(
      Object.entries(config.databases).map(([name, database]) => [name, resolveDatabase(name, database, config.timezone)]),
    ),
  }),
);
