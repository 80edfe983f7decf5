import { closeSync, fstatSync, openSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ensureDirSync } from './files/ensure-dir.js';

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
  if (options.stdout !== false) {
    // Asynchronous only into a pipe or socket, where a slow reader must not block the service;
    // synchronous into a file or device (`> out.log`), for the same reason as the log file below.
    const stdout = pino.destination({ dest: 1, sync: !stdoutIsPipe() });
    stopOnError(stdout, 'log output to stdout', 'no longer logging there');
    streams.push({ stream: stdout });
  }
  if (options.file) {
    const file = path.resolve(options.file);
    // Opened once here so a bad path is an error at start, not an uncaught one from the stream later.
    try {
      ensureDirSync(path.dirname(file));
      closeSync(openSync(file, 'a'));
    } catch (error) {
      throw new Error(`cannot write the log file ${file}: ${(error as Error).message}`);
    }
    // Synchronous, so a failed write is an error at once and no exit hook is left to retry it
    // (sonic-boom's flushSync retries ENOSPC forever); a few appends per minute cost nothing.
    const fileStream = pino.destination({ dest: file, sync: true });
    stopOnError(fileStream, `log file ${file}`, 'logging to stdout only');
    streams.push({ stream: fileStream });
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

/**
 * A log destination that fails (a full disk, say) must not take the service down: pino rethrows
 * the stream's error, and the exit hook of an async stream then retries the flush forever
 * (measured: the process hung, answering nothing). The destination is given up until restart,
 * said once on stderr; the other destination and the service go on.
 */
function stopOnError(stream: ReturnType<typeof pino.destination>, what: string, then: string): void {
  let stopped = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (stopped) return;
    stopped = true;
    const silenced = stream as unknown as Record<'write' | 'flush' | 'flushSync' | 'end', () => boolean>;
    for (const method of ['write', 'flush', 'flushSync', 'end'] as const) silenced[method] = () => true;
    const line = { level: 50, time: new Date().toISOString(), service: 'meta-agent', msg: `${what} failed (${error.code ?? error.message}); ${then} until restart` };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  });
}

function stdoutIsPipe(): boolean {
  try {
    const stat = fstatSync(1);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}
