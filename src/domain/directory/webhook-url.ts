import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Config } from '#domain/shared/config.ts';
import { ValidationError } from '#domain/shared/errors.ts';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * What an address is to the webhook policy:
 * - `metadata`: link-local or a cloud metadata address, refused whatever the deployment allows;
 * - `private`: private, shared (CGNAT), unique-local or loopback, allowed only with private webhooks;
 * - `special`: anything else that is not globally routable unicast (documentation, benchmarking,
 *   reserved, multicast, broadcast, unspecified, Teredo...), always refused;
 * - `public`: globally routable unicast.
 */
export type AddressKind = 'metadata' | 'private' | 'special' | 'public';

/** The EC2 instance metadata service over IPv6 (fd00:ec2::254) and its /64. */
const ec2Metadata = ipaddr.parseCIDR('fd00:ec2::/64');
/** IANA's global unicast block: the only IPv6 space handed out for routing on the Internet. */
const globalUnicastV6 = ipaddr.parseCIDR('2000::/3');
/** NAT64's well-known prefix (RFC 6052): the IPv4 address sits in the last 32 bits. */
const nat64 = ipaddr.parseCIDR('64:ff9b::/96');
/** IPv4-compatible addresses (`::a.b.c.d`, RFC 4291, deprecated), :: and ::1 aside. */
const ipv4Compatible = ipaddr.parseCIDR('::/96');

/** ipaddr.js's range names, sorted into the policy's kinds. */
const ipv4Kinds: Record<string, AddressKind> = {
  unicast: 'public',
  // AS112 and AMT relays are anycast services that IANA lists as globally reachable.
  as112: 'public',
  amt: 'public',
  linkLocal: 'metadata',
  private: 'private',
  loopback: 'private',
  carrierGradeNat: 'private',
};
const ipv6Kinds: Record<string, AddressKind> = {
  unicast: 'public',
  as112v6: 'public',
  amt: 'public',
  linkLocal: 'metadata',
  uniqueLocal: 'private',
  loopback: 'private',
};

/**
 * The IPv4 address an IPv6 address carries, if it is one of the forms that reach an IPv4 host:
 * mapped (`::ffff:a.b.c.d`), translated (`::ffff:0:a.b.c.d`), compatible (`::a.b.c.d`), NAT64
 * (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::`).
 */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  const bytes = address.toByteArray();
  const last32 = () => new ipaddr.IPv4(bytes.slice(12, 16));
  if (range === 'ipv4Mapped' || range === 'rfc6145') return last32();
  if (address.match(nat64)) return last32();
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  if (range !== 'unspecified' && range !== 'loopback' && address.match(ipv4Compatible)) return last32();
  return undefined;
}

function kindOf(address: Address): AddressKind {
  if (address.kind() === 'ipv4') return ipv4Kinds[address.range()] ?? 'special';
  const v6 = address as ipaddr.IPv6;
  const carried = embeddedIpv4(v6);
  if (carried) return kindOf(carried);
  if (v6.match(ec2Metadata)) return 'metadata';
  const kind = ipv6Kinds[v6.range()] ?? 'special';
  return kind === 'public' && !v6.match(globalUnicastV6) ? 'special' : kind;
}

/**
 * Classifies one IP address (dotted IPv4 or any IPv6 spelling, as `dns.lookup` or the URL parser
 * gives them); anything that does not parse as an address is `special`, so it is refused.
 */
export function classifyAddress(address: string): AddressKind {
  const plain = address.replace(/^\[|\]$/g, '');
  if (!isIP(plain)) return 'special';
  return kindOf(ipaddr.parse(plain));
}

export interface WebhookPolicy {
  allowPrivate: boolean;
  allowedHosts: string[];
  /** Ports refused on private and loopback addresses even when private webhooks are allowed. */
  refusedLocalPorts?: readonly number[];
}

/** The deployment's policy, from its settings (PRODUCT.md section 1). */
export function webhookPolicy(
  config: Pick<Config, 'ALLOW_PRIVATE_WEBHOOKS' | 'WEBHOOK_ALLOWED_HOSTS' | 'WEBHOOK_REFUSED_LOCAL_PORTS'>,
): WebhookPolicy {
  return {
    allowPrivate: config.ALLOW_PRIVATE_WEBHOOKS,
    allowedHosts: config.WEBHOOK_ALLOWED_HOSTS,
    refusedLocalPorts: config.WEBHOOK_REFUSED_LOCAL_PORTS,
  };
}

/** The port a webhook URL connects to: its own, or its scheme's default. */
export function webhookPort(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

type Resolve = (hostname: string) => Promise<string[]>;

const resolveAll: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true })).map((entry) => entry.address);

function refuse(message: string): never {
  throw new ValidationError('invalid_webhook_url', message, [{ path: 'url', message }]);
}

function hostAllowed(hostname: string, allowedHosts: string[]): boolean {
  return allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase();
    return allowed.startsWith('*.') ? hostname.endsWith(allowed.slice(1)) : hostname === allowed;
  });
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

/** The host as an address or name: the URL parser has already turned `0x7f.1` or `2130706433` into dotted IPv4. */
export function webhookHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * The addresses a webhook host resolved to, and the port it connects to, against the policy; delivery
 * checks them again at connect time.
 */
export function assertAddressesAllowed(addresses: string[], policy: WebhookPolicy, port: number): void {
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind === 'metadata') refuse('link-local and metadata addresses are not allowed');
    if (kind === 'special') refuse('only globally routable unicast addresses are allowed');
    if (kind === 'private' && !policy.allowPrivate) refuse('private and loopback addresses are not allowed');
    if (kind === 'private' && policy.refusedLocalPorts?.includes(port)) {
      refuse("must not point at the bridge's own port or its store's");
    }
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
    refuse('host does not resolve');
  }
  if (addresses.length === 0) refuse('host does not resolve');
  assertAddressesAllowed(addresses, policy, webhookPort(url));
  return url;
}
