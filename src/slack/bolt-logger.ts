import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../observability/logger';

/**
 * Bolt's and the WebClient's logger interface on top of Rewind's redacting pino logger, so
 * nothing the Slack SDKs log bypasses redaction. Their debug chatter is dropped; Rewind logs
 * what matters itself.
 */
export function boltLogger(logger: Logger, name = 'slack'): BoltLogger {
  const child = logger.child({ component: name });
  let level: LogLevel = LogLevel.WARN;
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: () => undefined,
    info: (...msg: unknown[]) => {
      if (level === LogLevel.INFO || level === LogLevel.DEBUG) child.info(text(msg));
    },
    warn: (...msg: unknown[]) => {
      if (level !== LogLevel.ERROR) child.warn(text(msg));
    },
    error: (...msg: unknown[]) => child.error(text(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
