/** A pino logger whose JSON lines a test can read back (what an operator would see). */
import { pino, type Logger } from 'pino';

export function capturingLogger(level = 'info'): {
  logger: Logger;
  lines: () => Array<Record<string, unknown>>;
} {
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(line) });
  return { logger, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
