import { Logger } from '@aws-lambda-powertools/logger';
import { observability } from '#observability';

/**
 * One structured JSON logger per process. What goes in: ids, routes, status codes, timings.
 * What never goes in: message text, tokens, URLs with tokens, hidden attributes.
 *
 * The level is read from `LOG_LEVEL` when this module is first imported: a runtime that wants
 * another default (the local one uses WARN) sets it before importing anything that logs.
 */
export const logger = new Logger({
  serviceName: observability.serviceName,
  logLevel: (process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as 'INFO',
});

/**
 * What the log may say about an unexpected error: its name and where it was thrown. Never its
 * message, which may quote request values (DynamoDB's validation messages do).
 */
export function failureForLog(error: unknown) {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return { errorName: error.name, stack: frames.join('\n') };
}
