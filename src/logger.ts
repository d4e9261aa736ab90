import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per process. What goes in: ids, routes, status codes, timings.
 * What never goes in: message text, tokens, URLs with tokens, hidden attributes.
 */
export const logger = new Logger({
  serviceName: 'operator-bridge',
  logLevel: (process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as 'INFO',
});
