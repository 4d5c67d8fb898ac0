import { RewindError } from '../recovery/errors';

/**
 * A configuration that cannot be used: rewind.yml or the environment. The message has one line
 * per problem, each starting with where it is (`rewind.yml: databases.x.rto: …`), so it reads
 * well both in a terminal and in a log line. Never retryable: the file has to change first.
 */
export class ConfigError extends RewindError {
  /** The file path as given, or "environment". */
  readonly source: string;
  /** The message's lines, one per problem. */
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[], cause?: unknown) {
    const lines = problems.map((problem) => `${source}: ${problem}`);
    super({ code: 'CONFIG_INVALID', userMessage: lines.join('\n'), retryable: false, detail: { source, problems: lines }, cause });
    this.name = 'ConfigError';
    this.source = source;
    this.problems = lines;
  }
}
