import { pino, type Logger } from 'pino';

// Secrets that may sit in objects we log; pino replaces them before the line is written.
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  '*.secretKey',
  '*.webhookSecret',
  '*.password',
  '*.smtpUrl',
  '*.manageLinkSecret',
  'config.email.smtpUrl',
  'config.email.manageLinkSecret',
  'config.stripe',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

/**
 * The process's stdout, written asynchronously and in blocks: lines gather up to 4 KB or a quarter
 * of a second, then go out in one write, not one system call a line (measured on progress reads
 * and webhook intake, see BENCHMARKS.md). pino writes out what is left when the process exits; a
 * SIGKILL loses at most the last quarter second.
 */
export function stdoutDestination(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 });
}
