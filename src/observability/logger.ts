import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type LevelWithSilent, type Logger as PinoLogger } from 'pino';
import { REDACTED, redactString, redactValue } from './redact';

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

export interface LoggerOptions {
  level: LogLevel;
  /** Where JSON lines go; defaults to stdout. Tests pass an in-memory stream. */
  destination?: DestinationStream;
}

// Key names redacted by pino's own path redaction, as a second line of defence behind
// `redactValue` (which already covers any depth and any key that looks secret).
const SECRET_KEYS = [
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
  'apiKey',
  'botToken',
  'signingSecret',
  'appToken',
  'clientSecret',
  'secretAccessKey',
  'sessionToken',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
];

/** Pino redaction paths: each secret key at the top level and two levels down, plus headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

// Objects `redactValue` produced for the log call, so `formatters.log` does not scrub them twice.
const scrubbed = new WeakSet<object>();

function scrub(v: unknown): unknown {
  let out: unknown;
  try {
    out = redactValue(v);
  } catch {
    // A throwing getter must not turn a log call into a crash, nor let the raw value through.
    out = '[Unserializable]';
  }
  if (typeof out === 'object' && out !== null) scrubbed.add(out);
  return out;
}

/**
 * A JSON logger that never writes a secret: every argument of every log call (merge object,
 * message, format arguments, errors), every child binding, message prefix and mixin result is
 * passed through `redactValue` before pino serializes it, and pino's path redaction runs on top.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const logger = pino(
    {
      level: opts.level,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a: unknown) => scrub(a)) as Parameters<typeof method>;
          method.apply(this, clean);
        },
      },
      formatters: {
        bindings: (bindings) => redactValue(bindings),
        log: (obj) => (scrubbed.has(obj) ? obj : redactValue(obj)),
      },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  // Pino applies `formatters.bindings` to the root only, so child bindings are scrubbed here.
  // Children are prototype-linked to their parent, so these overrides reach every descendant.
  type ChildFn = (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;
  const child = logger.child as unknown as ChildFn;
  const setBindings = logger.setBindings;
  logger.child = function (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) {
    const clean = options?.msgPrefix === undefined ? options : { ...options, msgPrefix: redactString(options.msgPrefix) };
    return child.call(this, redactValue(bindings), clean);
  } as unknown as Logger['child'];
  logger.setBindings = function (this: Logger, bindings: Bindings) {
    setBindings.call(this, redactValue(bindings));
  };
  return logger;
}
