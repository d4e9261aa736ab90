import { describe, expect, it } from 'vitest';
import { ValidationError } from '#domain/errors.ts';
import { assertWebhookAllowed } from '#domain/webhook-url.ts';

const publicOnly = { allowPrivate: false, allowedHosts: [] };
const resolveTo = (address: string) => async () => [address];

describe('webhook URL policy', () => {
  it.each([
    'http://169.254.169.254/latest',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'http://[::ffff:169.254.169.254]/',
  ])('always refuses link-local and metadata address %s', async (url) => {
    await expect(assertWebhookAllowed(url, { allowPrivate: true, allowedHosts: [] })).rejects.toThrow(
      ValidationError,
    );
  });

  it.each(['http://127.0.0.1/x', 'http://10.1.2.3/x', 'http://192.168.0.1/', 'http://[::1]/'])(
    'refuses private address %s unless private webhooks are allowed',
    async (url) => {
      await expect(assertWebhookAllowed(url, publicOnly)).rejects.toThrow(ValidationError);
      await expect(
        assertWebhookAllowed(url, { allowPrivate: true, allowedHosts: [] }),
      ).resolves.toBeInstanceOf(URL);
    },
  );

  it('refuses a public-looking name that resolves to a private address', async () => {
    await expect(
      assertWebhookAllowed('https://evil.example/', publicOnly, resolveTo('10.0.0.5')),
    ).rejects.toThrow(/private/);
  });

  it('pins webhooks to the allowed hosts when a list is set', async () => {
    const policy = { allowPrivate: false, allowedHosts: ['*.dialogstudio.example'] };
    const ok = await assertWebhookAllowed(
      'https://bot.dialogstudio.example/hook',
      policy,
      resolveTo('203.0.113.7'),
    );
    expect(ok.hostname).toBe('bot.dialogstudio.example');
    await expect(
      assertWebhookAllowed('https://other.example/hook', policy, resolveTo('203.0.113.7')),
    ).rejects.toThrow(/allowed/);
  });

  it('refuses non-http schemes and embedded credentials', async () => {
    await expect(assertWebhookAllowed('ftp://203.0.113.7/', publicOnly)).rejects.toThrow(/http/);
    await expect(assertWebhookAllowed('https://u:p@203.0.113.7/', publicOnly)).rejects.toThrow(/credentials/);
  });
});
