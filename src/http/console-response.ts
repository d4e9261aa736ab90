import type { ConsoleFiles } from '#console-files';
import { NotFoundError } from '#domain/shared/errors.ts';
import { errorResponse, type HttpResult } from '#http/responses.ts';

/**
 * No inline script or style anywhere, and the API on the same origin: the policy forbids the rest. The
 * live-updates WebSocket is on the same origin locally; on AWS it is its own API, named by
 * `LIVE_URL` (the same setting that tickets point to).
 */
export function contentSecurityPolicy(liveUpdatesUrl: string | undefined): string {
  const live = liveUpdatesUrl && URL.canParse(liveUpdatesUrl) ? ` ${new URL(liveUpdatesUrl).origin}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self'${live}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const commonHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * Answers `GET /console`, `/console/` and `/console/{file}` from the built files: `index.html` never
 * cached (it names the current assets), the content-hashed assets cached for a year.
 */
export function consoleResponse(files: ConsoleFiles, rawPath: string, liveUpdatesUrl?: string): HttpResult {
  if (/\/console$/.test(rawPath)) {
    // Relative, so that a base path in front of the API (a stage, a proxy) is kept.
    return { statusCode: 308, headers: { location: 'console/', ...commonHeaders }, body: '' };
  }
  const name = rawPath.replace(/^.*?\/console\//, '') || 'index.html';
  const file = Object.hasOwn(files, name) ? files[name] : undefined;
  if (!file) return errorResponse(new NotFoundError('file_not_found', 'No such file in the agent console'));
  const headers: Record<string, string> = {
    'content-type': file.contentType,
    'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
    ...commonHeaders,
  };
  if (!file.immutable) headers['content-security-policy'] = contentSecurityPolicy(liveUpdatesUrl);
  return { statusCode: 200, headers, body: file.body };
}
