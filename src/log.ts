/**
 * The root pino logger. Modules take `logger.child({ module })`; errors go under `err`.
 * WARNING: tokens and authorization headers are redacted here; never log them by another path.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

/** Paths pino blanks out in every log line. */
const REDACT = [
  'req.headers.authorization',
  'request.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
];

/** A logger writing JSON lines to stderr (stdout stays free for command output). */
export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, pino.destination(2));
}

export type { Logger };
