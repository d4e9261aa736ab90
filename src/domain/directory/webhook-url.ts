import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Config } from '#domain/shared/config.ts';
import { ValidationError } from '#domain/shared/errors.ts';

/**
 * What an address is to the webhook policy:
 * - `metadata`: link-local or a cloud metadata address, refused whatever the deployment allows;
 * - `private`: private, shared (CGNAT), unique-local or loopback, allowed only with private webhooks;
 * - `special`: anything else that is not globally routable unicast (documentation, benchmarking,
 *   reserved, multicast, broadcast, unspecified, Teredo...), always refused;
 * - `public`: globally routable unicast.
 */
export type AddressKind = 'metadata' | 'private' | 'special' | 'public';

type Family = 'ipv4' | 'ipv6';

function subnets(family: Family, cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = '', prefix] = cidr.split('/');
    list.addSubnet(network, Number(prefix), family);
  }
  return list;
}

/** Ranges of one family, checked in order: the first that holds the address gives its kind. */
function rules(family: Family, ranges: [AddressKind, string[]][]): [AddressKind, BlockList][] {
  return ranges.map(([kind, cidrs]) => [kind, subnets(family, cidrs)]);
}

/** IPv4: anything in none of these ranges is `public` (AS112 and AMT relays, IANA's globally reachable anycast, too). */
const ipv4Rules = rules('ipv4', [
  ['metadata', ['169.254.0.0/16']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '100.64.0.0/10']],
  [
    'special',
    [
      // This network, multicast, reserved (with the broadcast address).
      '0.0.0.0/8',
      '224.0.0.0/4',
      '240.0.0.0/4',
      // IETF protocol assignments, documentation, the 6to4 relay anycast, benchmarking.
      '192.0.0.0/24',
      '192.0.2.0/24',
      '192.88.99.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
    ],
  ],
]);

/** IPv6 that carries no IPv4 address: anything in none of these ranges is `special`. */
const ipv6Rules = rules('ipv6', [
  // The EC2 instance metadata service over IPv6 (fd00:ec2::254) and its /64; link-local.
  ['metadata', ['fd00:ec2::/64', 'fe80::/10']],
  ['private', ['fc00::/7', '::1/128']],
  // AMT relays and AS112, carved out of the IETF block below: globally reachable anycast.
  ['public', ['2001:3::/32', '2001:4:112::/48']],
  // The IETF protocol block (Teredo, benchmarking, ORCHIDs...), documentation, documentation (RFC 9637).
  ['special', ['2001::/23', '2001:db8::/32', '3fff::/20']],
  // IANA's global unicast block: the only IPv6 space handed out for routing on the Internet.
  ['public', ['2000::/3']],
]);

/** IPv6 forms with an IPv4 address in the last 32 bits: mapped (`::ffff:a.b.c.d`), translated (`::ffff:0:a.b.c.d`), NAT64 (RFC 6052). */
const ipv4InLast32 = subnets('ipv6', ['::ffff:0:0/96', '::ffff:0:0:0/96', '64:ff9b::/96']);
/** 6to4 (`2002:AABB:CCDD::`): the IPv4 address in bits 16 to 48. */
const sixToFour = subnets('ipv6', ['2002::/16']);
/** IPv4-compatible addresses (`::a.b.c.d`, RFC 4291, deprecated), :: and ::1 aside. */
const ipv4Compatible = subnets('ipv6', ['::/96']);

function firstKind(ordered: [AddressKind, BlockList][], address: string, family: Family) {
  return ordered.find(([, list]) => list.check(address, family))?.[0];
}

/** The eight 16-bit groups of an IPv6 address in the URL parser's form (lower case, no dotted tail). */
function groups(canonical: string): number[] {
  const [head = '', tail] = canonical.split('::');
  const parts = (text: string) => (text ? text.split(':') : []);
  const [before, after] = [parts(head), parts(tail ?? '')];
  const zeros = new Array<string>(8 - before.length - after.length).fill('0');
  return [...before, ...zeros, ...after].map((group) => Number.parseInt(group, 16));
}

const dotted = (high = 0, low = 0) => [high >> 8, high & 255, low >> 8, low & 255].join('.');

/**
 * The IPv4 address an IPv6 address carries, if it is one of the forms that reach an IPv4 host:
 * mapped, translated, compatible, NAT64 (the last 32 bits) and 6to4 (bits 16 to 48).
 */
function embeddedIpv4(canonical: string): string | undefined {
  const group = groups(canonical);
  if (sixToFour.check(canonical, 'ipv6')) return dotted(group[1], group[2]);
  const compatible = canonical !== '::' && canonical !== '::1' && ipv4Compatible.check(canonical, 'ipv6');
  if (compatible || ipv4InLast32.check(canonical, 'ipv6')) return dotted(group[6], group[7]);
  return undefined;
}

function ipv6Kind(address: string): AddressKind {
  // The URL parser's serialisation: one spelling per address, whatever case, zeros or dotted tail it came in.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const carried = embeddedIpv4(canonical);
  if (carried) return firstKind(ipv4Rules, carried, 'ipv4') ?? 'public';
  return firstKind(ipv6Rules, canonical, 'ipv6') ?? 'special';
}

/**
 * Classifies one IP address (dotted IPv4 or any IPv6 spelling, as `dns.lookup` or the URL parser
 * gives them); anything that does not parse as an address is `special`, so it is refused. A zone
 * (`fe80::1%eth0`) does not change what the address is.
 */
export function classifyAddress(address: string): AddressKind {
  const plain = address.replace(/^\[|\]$/g, '');
  const family = isIP(plain);
  if (family === 4) return firstKind(ipv4Rules, plain, 'ipv4') ?? 'public';
  if (family !== 6) return 'special';
  const [withoutZone = ''] = plain.split('%');
  return URL.canParse(`http://[${withoutZone}]/`) ? ipv6Kind(withoutZone) : 'special';
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
