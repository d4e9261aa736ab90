import { describe, expect, it } from 'vitest';
import { postEvent } from '#delivery/send.ts';
import { assertWebhookAllowed, classifyAddress } from '#domain/directory/webhook-url.ts';
import { ValidationError } from '#domain/shared/errors.ts';

const publicOnly = { allowPrivate: false, allowedHosts: [] };
const privateAllowed = { allowPrivate: true, allowedHosts: [] };
const resolveTo = (address: string) => async () => [address];

describe('webhook URL policy', () => {
  it.each([
    'http://169.254.169.254/latest',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'http://[fd00:ec2::1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:0:169.254.169.254]/',
    'http://[::169.254.169.254]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://[2002:a9fe:a9fe::1]/',
    'http://2852039166/',
    'http://0251.0376.0251.0376/',
  ])('always refuses link-local and metadata address %s', async (url) => {
    await expect(assertWebhookAllowed(url, privateAllowed)).rejects.toThrow(/metadata/);
  });

  it.each([
    'http://127.0.0.1/x',
    'http://10.1.2.3/x',
    'http://192.168.0.1/',
    'http://100.64.0.1/',
    'http://[::1]/',
    'http://[fd12::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::127.0.0.1]/',
    'http://[64:ff9b::10.0.0.1]/',
    'http://[2002:c0a8:0001::]/',
  ])('refuses private address %s unless private webhooks are allowed', async (url) => {
    await expect(assertWebhookAllowed(url, publicOnly)).rejects.toThrow(/private/);
    await expect(assertWebhookAllowed(url, privateAllowed)).resolves.toBeInstanceOf(URL);
  });

  it.each([
    '192.0.2.1',
    '198.51.100.1',
    '203.0.113.7',
    '198.18.0.1',
    '198.19.255.255',
    '192.0.0.8',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '0.0.0.0',
    '::',
    'ff02::1',
    '2001:db8::1',
    '2001::1',
    '3fff::1',
    '64:ff9b:1::1',
    '4000::1',
    '::ffff:192.0.2.1',
    '2002:c000:0201::1',
  ])(
    'refuses %s, which is not globally routable unicast, even with private webhooks allowed',
    async (address) => {
      expect(classifyAddress(address)).toBe('special');
      const host = address.includes(':') ? `[${address}]` : address;
      await expect(assertWebhookAllowed(`https://${host}/hook`, privateAllowed)).rejects.toThrow(
        /globally routable/,
      );
    },
  );

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80e::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:0808:0808::1',
  ])('allows the globally routable unicast address %s', async (address) => {
    expect(classifyAddress(address)).toBe('public');
    const host = address.includes(':') ? `[${address}]` : address;
    await expect(assertWebhookAllowed(`https://${host}/hook`, publicOnly)).resolves.toBeInstanceOf(URL);
  });

  it('refuses a public-looking name that resolves to a private address', async () => {
    await expect(
      assertWebhookAllowed('https://evil.example/', publicOnly, resolveTo('10.0.0.5')),
    ).rejects.toThrow(/private/);
  });

  it('refuses a name that resolves to nothing', async () => {
    await expect(assertWebhookAllowed('https://gone.example/', publicOnly, async () => [])).rejects.toThrow(
      /resolve/,
    );
  });

  it('pins webhooks to the allowed hosts when a list is set', async () => {
    const policy = { allowPrivate: false, allowedHosts: ['*.DialogStudio.example'] };
    const ok = await assertWebhookAllowed(
      'https://bot.dialogstudio.example/hook',
      policy,
      resolveTo('8.8.8.8'),
    );
    expect(ok.hostname).toBe('bot.dialogstudio.example');
    await expect(
      assertWebhookAllowed('https://other.example/hook', policy, resolveTo('8.8.8.8')),
    ).rejects.toThrow(/allowed/);
  });

  it('refuses non-http schemes and embedded credentials', async () => {
    await expect(assertWebhookAllowed('ftp://8.8.8.8/', publicOnly)).rejects.toThrow(ValidationError);
    await expect(assertWebhookAllowed('ftp://8.8.8.8/', publicOnly)).rejects.toThrow(/http/);
    await expect(assertWebhookAllowed('https://u:p@8.8.8.8/', publicOnly)).rejects.toThrow(/credentials/);
  });
});

describe('the same policy at every connection', () => {
  const options = { timeoutMs: 1000, policy: privateAllowed };

  it.each([
    'http://169.254.169.254/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[2002:a9fe:a9fe::]/',
    'http://[fd00:ec2::254]/',
    'http://240.0.0.1/',
  ])('fails delivery to %s without connecting', async (url) => {
    const outcome = await postEvent(url, '{}', {}, options);
    expect(outcome).toMatchObject({ kind: 'fail', error: expect.stringMatching(/^webhook refused/) });
  });

  it('fails delivery to a name that resolves to loopback when private webhooks are not allowed', async () => {
    const outcome = await postEvent('http://localhost:9/', '{}', {}, { timeoutMs: 1000, policy: publicOnly });
    expect(outcome).toMatchObject({ kind: 'fail', error: expect.stringMatching(/private/) });
  });
});
