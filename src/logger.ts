import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level: string;
  /** Also append JSON lines to this file; '' for stdout only. */
  file?: string;
  /** Write to stdout too (the default). */
  stdout?: boolean;
}

/** Keys whose values never reach a log line, wherever they sit in the object. */
const REDACT_PATHS = [
  'token',
  'password',
  'secret',
  'authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
];

/** Structured JSON logger; modules take a child with `{ module }`. */
export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  if (options.stdout !== false) streams.push({ stream: pino.destination({ dest: 1, sync: false }) });
  if (options.file) {
    mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
    streams.push({ stream: pino.destination({ dest: options.file, sync: false, mkdir: true }) });
  }
  return pino(
    {
      level: options.level,
      base: { service: 'meta-agent' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    streams.length === 0 ? pino.destination({ dest: '/dev/null', sync: false }) : pino.multistream(streams),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
