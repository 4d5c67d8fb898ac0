export { LocalPostgresRecoverySource, LOCAL_PROVIDER, type LocalPostgresOptions, type LocalRestoreRef } from './local-recovery-source';
export { SqlValidator, CHECKSUM_CHECK_NAME, type SqlCheck, type SqlExpectation, type SqlValidatorOptions, type ComparisonOp } from './sql-validator';
export { SourceCluster, archiveCommandFor, type SourceClusterOptions, type SourceConnection } from './source-cluster';
export { PgProcessRunner, DEFAULT_PG_BIN, type PgRunnerOptions } from './pg-process';
export { BackupCatalog, type BackupRecord } from './backup-catalog';
