import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from './config-error';
import { configErrorMap } from './error-map';
import { formatPath } from './config-path';
import { describeIssues } from './issues';
import { rewindConfigSchema, type RewindConfig } from './schema';
import { readYaml } from './yaml-source';

/**
 * Reading rewind.yml. Every failure is a ConfigError whose lines name the file (as given), the
 * path inside it, what was expected, and the line number where the problem is.
 */

function readProblem(path: string, err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : err instanceof Error ? err.message : String(err);
  const resolved = isAbsolute(path) ? '' : ` (${resolve(path)})`;
  return `cannot read the configuration file${resolved}: ${reason}; create it (start from rewind.example.yml) or set REWIND_CONFIG to its path`;
}

/** Validates rewind.yml content; `source` names it in error messages. */
export function parseConfig(text: string, source = 'rewind.yml'): RewindConfig {
  const yaml = readYaml(text, source);
  if (yaml.data === null || yaml.data === undefined) {
    throw new ConfigError(source, ['the file is empty; define at least "databases" (start from rewind.example.yml)']);
  }
  const result = rewindConfigSchema.safeParse(yaml.data, { error: configErrorMap });
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, rewindConfigSchema, yaml.data).map(({ path, message }) => {
    const line = yaml.lineOf(path);
    const where = path.length === 0 ? '' : `${formatPath(path)}: `;
    return `${where}${message}${line === undefined ? '' : ` (line ${line})`}`;
  });
  throw new ConfigError(source, problems, result.error);
}

/** Reads and validates the rewind.yml at `path` (as given, e.g. from REWIND_CONFIG). */
export function loadConfig(path: string): RewindConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [readProblem(path, err)], err);
  }
  return parseConfig(text, path);
}
