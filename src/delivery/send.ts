import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import {
  assertAddressesAllowed,
  parseWebhookUrl,
  type WebhookPolicy,
  webhookHostname,
  webhookPort,
} from '#domain/directory/webhook-url.ts';
import type { AttemptOutcome } from '#domain/outbox/delivery.ts';

type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface SendOptions {
  /** The whole attempt's limit, the DNS lookup included: a holder never outlives its lease in a lookup. */
  timeoutMs: number;
  policy: WebhookPolicy;
  /** How host names are resolved (the system resolver unless a test stands in for a slow one). */
  resolve?: Resolve;
}

const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true });

/** Settles with `work`, or rejects once `signal` aborts, whichever comes first. */
function within<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** Seconds to wait from a Retry-After header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now.getTime()) / 1000);
}

/** What an HTTP answer means for the event: 2xx delivered; 408, 429 and 5xx retried; anything else final. */
export function classifyResponse(status: number, retryAfter: string | undefined, now: Date): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const error = `HTTP ${status}`;
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', error, status, retryAfterSeconds: parseRetryAfter(retryAfter, now) };
  }
  if (status >= 300 && status < 400)
    return { kind: 'fail', error: `${error} (redirects are not followed)`, status };
  return { kind: 'fail', error, status };
}

/**
 * Resolves the host once, checks every address against the webhook policy, and pins the connection
 * to the checked address: a DNS answer that changes between check and connect cannot reach a
 * private or metadata address.
 */
async function pinnedLookup(
  url: URL,
  policy: WebhookPolicy,
  resolve: Resolve,
  signal: AbortSignal,
): Promise<LookupFunction> {
  const hostname = webhookHostname(url);
  const addresses = isIP(hostname)
    ? [{ address: hostname, family: isIP(hostname) }]
    : await within(resolve(hostname), signal);
  assertAddressesAllowed(
    addresses.map((entry) => entry.address),
    policy,
    webhookPort(url),
  );
  const [first] = addresses;
  if (!first) throw new Error(`no address for ${hostname}`);
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [first]);
    else callback(null, first.address, first.family);
  };
}

function drain(response: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    response
      .on('end', resolve)
      .on('error', () => resolve())
      .on('close', resolve);
    response.resume();
  });
}

/** Posts one JSON event. Never throws: every way it can end is an outcome the retry rules understand. */
export async function postEvent(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  options: SendOptions,
): Promise<AttemptOutcome> {
  let url: URL;
  let pinned: LookupFunction;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    url = parseWebhookUrl(rawUrl, options.policy);
    pinned = await pinnedLookup(url, options.policy, options.resolve ?? systemResolve, signal);
  } catch (error) {
    const refused = (error as { code?: string }).code === 'invalid_webhook_url';
    const message = `webhook refused: ${(error as Error).message}`;
    if (refused) return { kind: 'fail', error: message };
    if (signal.aborted) return { kind: 'retry', error: `timeout after ${options.timeoutMs} ms (dns)` };
    return { kind: 'retry', error: `dns: ${(error as Error).message}` };
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptOutcome>((resolve) => {
    const request = send(
      url,
      {
        method: 'POST',
        lookup: pinned,
        signal,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'operator-bridge',
          ...headers,
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const retryAfter = response.headers['retry-after'];
        drain(response).then(() => resolve(classifyResponse(status, retryAfter, new Date())));
      },
    );
    request.on('error', (error) => {
      const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
      resolve({
        kind: 'retry',
        error: timedOut
          ? `timeout after ${options.timeoutMs} ms`
          : `network: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
      });
    });
    request.end(body);
  });
}
