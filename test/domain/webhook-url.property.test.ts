import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AddressKind, assertWebhookAllowed } from '#domain/directory/webhook-url.ts';

/**
 * Addresses drawn from every range the webhook policy names, written in every spelling a URL or a
 * DNS answer can carry them, against what the policy promises (PRODUCT.md section 1). The expected
 * kind comes from the range the generator drew from, not from the code under test.
 */

type Octets = [number, number, number, number];

/** An IPv4 address inside `base/prefix`. */
function inV4(base: string, prefix: number): fc.Arbitrary<Octets> {
  const start = base.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  const size = 2 ** (32 - prefix);
  return fc.integer({ min: 0, max: size - 1 }).map((offset) => {
    const value = start + offset;
    return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
  });
}

const v4Ranges: [string, number, AddressKind][] = [
  ['169.254.0.0', 16, 'metadata'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['127.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'],
  ['0.0.0.0', 8, 'special'],
  ['192.0.0.0', 24, 'special'],
  ['192.0.2.0', 24, 'special'],
  ['198.18.0.0', 15, 'special'],
  ['198.51.100.0', 24, 'special'],
  ['203.0.113.0', 24, 'special'],
  ['224.0.0.0', 4, 'special'],
  ['240.0.0.0', 4, 'special'],
  ['255.255.255.255', 32, 'special'],
  // Public: blocks of ordinary unicast space, clear of every special range.
  ['8.0.0.0', 8, 'public'],
  ['52.0.0.0', 8, 'public'],
  ['93.184.0.0', 16, 'public'],
  ['185.0.0.0', 8, 'public'],
];

const ipv4 = fc
  .constantFrom(...v4Ranges)
  .chain(([base, prefix, kind]) => inV4(base, prefix).map((octets) => ({ octets, kind })));

const hex = (n: number) => n.toString(16);
const hex16 = (high: number, low: number) => hex(high * 256 + low);

/** The ways a URL host may write an IPv4 address; the WHATWG URL parser reads them all as one address. */
function ipv4UrlSpellings([a, b, c, d]: Octets): string[] {
  const value = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  return [
    `${a}.${b}.${c}.${d}`,
    String(value),
    `0x${hex(value)}`,
    `0x${hex(a)}.0x${hex(b)}.0x${hex(c)}.0x${hex(d)}`,
    `0${a.toString(8)}.0${b.toString(8)}.0${c.toString(8)}.0${d.toString(8)}`,
    `${a}.${b}.${c * 256 + d}`,
    `${a}.${(b << 16) + (c << 8) + d}`,
  ];
}

/** IPv6 forms that carry an IPv4 address: mapped, translated, compatible, NAT64, 6to4. */
function embeddingSpellings([a, b, c, d]: Octets): string[] {
  const dotted = `${a}.${b}.${c}.${d}`;
  const [high, low] = [hex16(a, b), hex16(c, d)];
  const forms = [
    `::ffff:${dotted}`,
    `::FFFF:${high.toUpperCase()}:${low.toUpperCase()}`,
    `0:0:0:0:0:ffff:${high}:${low}`,
    `::ffff:0:${dotted}`,
    `64:ff9b::${dotted}`,
    `64:ff9b:0:0:0:0:${high}:${low}`,
    `2002:${high}:${low}::1`,
    `2002:${high}:${low}:abcd::`,
  ];
  // `::0.0.0.1` is ::1 itself and `::0.0.0.0` is ::, which are judged as what they are.
  if (a !== 0) forms.push(`::${dotted}`, `::${high}:${low}`);
  return forms;
}

const segment = fc.integer({ min: 0, max: 0xffff });
const segments = (count: number) => fc.array(segment, { minLength: count, maxLength: count });

/** An IPv6 address whose first `fixed.length` groups are given, the rest random. */
function v6With(fixed: number[], mask?: (groups: number[]) => number[]) {
  return segments(8 - fixed.length).map((rest) => {
    const groups = [...fixed, ...rest];
    return (mask ? mask(groups) : groups).map(hex).join(':');
  });
}

const ipv6Native: fc.Arbitrary<{ address: string; kind: AddressKind }> = fc.oneof(
  v6With([], (g) => [0xfe80 | ((g[0] ?? 0) % 0x40), ...g.slice(1)]).map((address) => ({
    address,
    kind: 'metadata' as const,
  })),
  v6With([0xfd00, 0xec2, 0, 0]).map((address) => ({ address, kind: 'metadata' as const })),
  v6With([], (g) => [0xfc00 | ((g[0] ?? 0) % 0x200), ...g.slice(1)])
    .filter((address) => !address.startsWith('fd00:ec2:0:0:'))
    .map((address) => ({ address, kind: 'private' as const })),
  fc.constant({ address: '0:0:0:0:0:0:0:1', kind: 'private' as const }),
  fc.constant({ address: '::', kind: 'special' as const }),
  v6With([], (g) => [0xff00 | ((g[0] ?? 0) % 0x100), ...g.slice(1)]).map((address) => ({
    address,
    kind: 'special' as const,
  })),
  v6With([0x2001, 0xdb8]).map((address) => ({ address, kind: 'special' as const })),
  v6With([0x2001, 0]).map((address) => ({ address, kind: 'special' as const })),
  v6With([0x64, 0xff9b, 1]).map((address) => ({ address, kind: 'special' as const })),
  v6With([], (g) => [0x4000 + ((g[0] ?? 0) % 0xc000), ...g.slice(1)])
    .filter((address) => !/^(fc|fd|fe[89ab]|ff)/.test(address))
    .map((address) => ({ address, kind: 'special' as const })),
  // Global unicast, clear of 2001::/23, 2002::/16 and 3fff::/20.
  v6With([], (g) => [0x2400 + ((g[0] ?? 0) % 0x0c00), ...g.slice(1)]).map((address) => ({
    address,
    kind: 'public' as const,
  })),
);

/** The RFC 5952 short form of a full address: the longest run of zero groups as `::`. */
function compressed(full: string): string {
  return full
    .split(':')
    .map((group) => hex(Number.parseInt(group, 16)))
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::')
    .replace(/:::+/, '::');
}

const anywhere = fc.record({
  address: fc.oneof(
    ipv4.chain(({ octets, kind }) =>
      fc.constantFrom(...ipv4UrlSpellings(octets)).map((host) => ({ host, dns: octets.join('.'), kind })),
    ),
    ipv4.chain(({ octets, kind }) =>
      fc.constantFrom(...embeddingSpellings(octets)).map((v6) => ({ host: `[${v6}]`, dns: v6, kind })),
    ),
    ipv6Native.chain(({ address, kind }) =>
      fc
        .constantFrom(address, compressed(address), address.toUpperCase())
        .map((v6) => ({ host: `[${v6}]`, dns: v6, kind })),
    ),
  ),
  scheme: fc.constantFrom('http', 'https'),
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  path: fc.constantFrom('/', '/hook', '/a/b?x=1'),
});

function expectedAllowed(kind: AddressKind, allowPrivate: boolean): boolean {
  return kind === 'public' || (kind === 'private' && allowPrivate);
}

async function allowed(url: string, allowPrivate: boolean, resolve?: () => Promise<string[]>) {
  try {
    await assertWebhookAllowed(url, { allowPrivate, allowedHosts: [] }, resolve);
    return true;
  } catch {
    return false;
  }
}

describe('webhook policy over every range and spelling', () => {
  it('decides an address literal in the URL by its range', async () => {
    await fc.assert(
      fc.asyncProperty(anywhere, fc.boolean(), async ({ address, scheme, port, path }, allowPrivate) => {
        const url = `${scheme}://${address.host}${port ? `:${port}` : ''}${path}`;
        expect(await allowed(url, allowPrivate)).toBe(expectedAllowed(address.kind, allowPrivate));
      }),
      { numRuns: 2000 },
    );
  });

  it('decides a host name by every address it resolves to', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anywhere, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (answers, allowPrivate) => {
          const resolve = async () => answers.map(({ address }) => address.dns);
          const expected = answers.every(({ address }) => expectedAllowed(address.kind, allowPrivate));
          expect(await allowed('https://hooks.example/x', allowPrivate, resolve)).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
