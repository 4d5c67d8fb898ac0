import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigError } from './config-error';
import { formatPath } from './config-path';

/**
 * rewind.yml as data plus a way back from a path to a line number. YAML syntax errors and
 * duplicate keys are reported here, before the schema sees the data: a duplicate key would
 * otherwise silently replace the first definition (for `databases`, a whole database).
 */

export interface YamlSource {
  data: unknown;
  /** Line (1-based) of the deepest key or list item along `path` that exists in the file. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function findDuplicates(node: unknown, path: PropertyKey[], lineAt: (offset: number) => number, out: string[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = keyText(pair.key);
      if (key !== '<<' && seen.has(key)) {
        const offset = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : undefined;
        const line = offset === undefined ? '' : ` (line ${lineAt(offset)})`;
        const where = path.length === 0 ? '' : `${formatPath(path)}: `;
        out.push(
          path.length === 1 && path[0] === 'databases'
            ? `${where}database "${key}" is defined twice${line}; rename or remove one of the definitions`
            : `${where}key "${key}" is defined twice${line}; keep only one`,
        );
      }
      seen.add(key);
      findDuplicates(pair.value, [...path, key], lineAt, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => findDuplicates(item, [...path, index], lineAt, out));
  }
}

function syntaxProblem(error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): string {
  const summary = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const position = error.linePos === undefined ? '' : ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`;
  return `YAML syntax error${position}: ${summary}; fix the YAML there (indent with spaces, close quotes and brackets)`;
}

/** Parses `text`; throws ConfigError naming `source` for syntax errors and duplicate keys. */
export function readYaml(text: string, source: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: true, merge: true });
  const firstError = doc.errors[0];
  if (firstError !== undefined) throw new ConfigError(source, [syntaxProblem(firstError)], firstError);
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;

  const duplicates: string[] = [];
  findDuplicates(doc.contents, [], lineAt, duplicates);
  if (duplicates.length > 0) throw new ConfigError(source, duplicates);

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(source, [`YAML error: ${reason}; define each anchor (&name) before its alias (*name)`], err);
  }

  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    let node: unknown = doc.contents;
    const rootRange = (node as Node | null)?.range;
    let line = rootRange ? lineAt(rootRange[0]) : undefined;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item.key) === String(key));
        if (pair === undefined) break;
        if (isScalar(pair.key) && pair.key.range) line = lineAt(pair.key.range[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        const item: unknown = node.items[key];
        if (item === undefined || item === null) break;
        const range = (item as Node).range;
        if (range) line = lineAt(range[0]);
        node = item;
      } else break;
    }
    return line;
  };
  return { data, lineOf };
}
