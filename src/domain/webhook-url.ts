import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ValidationError } from '#domain/errors.ts';

/** Link-local and cloud metadata addresses: never a webhook, whatever the deployment allows. */
const alwaysBlocked = new BlockList();
alwaysBlocked.addSubnet('169.254.0.0', 16, 'ipv4');
alwaysBlocked.addSubnet('fe80::', 10, 'ipv6');
alwaysBlocked.addAddress('fd00:ec2::254', 'ipv6');

/** Private, loopback and unspecified ranges: refused unless the deployment allows private webhooks. */
const privateRanges = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv4');
}
privateRanges.addSubnet('fc00::', 7, 'ipv6');
privateRanges.addAddress('::1', 'ipv6');
privateRanges.addAddress('::', 'ipv6');

export interface WebhookPolicy {
  allowPrivate: boolean;
  allowedHosts: string[];
}

type Resolve = (hostname: string) => Promise<string[]>;

const resolveAll: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true })).map((entry) => entry.address);

function refuse(message: string): never {
  throw new ValidationError('invalid_webhook_url', message, [{ path: 'url', message }]);
}

/** IPv4-mapped IPv6 (`::ffff:169.254.169.254`) is judged as the IPv4 address it carries. */
function classify(address: string): 'blocked' | 'private' | 'public' {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (alwaysBlocked.check(ip, family)) return 'blocked';
  if (privateRanges.check(ip, family)) return 'private';
  return 'public';
}

function hostAllowed(hostname: string, allowedHosts: string[]): boolean {
  return allowedHosts.some((allowed) =>
    allowed.startsWith('*.') ? hostname.endsWith(allowed.slice(1)) : hostname === allowed.toLowerCase(),
  );
}

/** The URL's own shape and host name against the policy; addresses are checked separately. */
export function parseWebhookUrl(rawUrl: string, policy: WebhookPolicy): URL {
  const url = URL.canParse(rawUrl) ? new URL(rawUrl) : refuse('must be a valid URL');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse('must use http or https');
  if (url.username || url.password) refuse('must not carry credentials');
  if (policy.allowedHosts.length > 0 && !hostAllowed(webhookHostname(url), policy.allowedHosts)) {
    refuse('host is not in the allowed webhook hosts');
  }
  return url;
}

export function webhookHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** The addresses a webhook host resolved to, against the policy; delivery checks them again at connect time. */
export function assertAddressesAllowed(addresses: string[], policy: WebhookPolicy): void {
  for (const address of addresses) {
    const kind = classify(address);
    if (kind === 'blocked') refuse('link-local and metadata addresses are not allowed');
    if (kind === 'private' && !policy.allowPrivate) refuse('private and loopback addresses are not allowed');
  }
}

/**
 * Checks a webhook URL against the policy in PRODUCT.md section 1, resolving names so that a
 * host that points at a private or metadata address is caught too. Throws ValidationError.
 */
export async function assertWebhookAllowed(
  rawUrl: string,
  policy: WebhookPolicy,
  resolve: Resolve = resolveAll,
): Promise<URL> {
  const url = parseWebhookUrl(rawUrl, policy);
  const hostname = webhookHostname(url);
  let addresses: string[];
  try {
    addresses = isIP(hostname) ? [hostname] : await resolve(hostname);
  } catch {
    refuse(`host ${hostname} does not resolve`);
  }
  assertAddressesAllowed(addresses, policy);
  return url;
}
