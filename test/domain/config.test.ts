import { describe, expect, it } from 'vitest';
import { loadConfig } from '#domain/shared/config.ts';

describe('configuration from the environment', () => {
  it('takes every default from an empty environment, and leaves the optional settings out', () => {
    // Act
    const config = loadConfig({});
    // Assess
    expect(config).toMatchObject({
      TABLE_NAME: 'operator-bridge',
      ALLOW_PRIVATE_WEBHOOKS: false,
      WEBHOOK_ALLOWED_HOSTS: [],
      MAX_BODY_BYTES: 256 * 1024,
      DELIVERY_SCHEDULE_SECONDS: [0, 5, 30, 120, 600, 1800, 3600, 7200],
      RETENTION_DAYS: 0,
    });
    expect(config.DYNAMODB_ENDPOINT).toBeUndefined();
    expect(config.LIVE_URL).toBeUndefined();
  });

  it('reads flags, lists, numbers and URLs as the settings page documents them', () => {
    // Act
    const config = loadConfig({
      ALLOW_PRIVATE_WEBHOOKS: '1',
      WEBHOOK_ALLOWED_HOSTS: ' a.example, ,b.example ',
      WEBHOOK_REFUSED_LOCAL_PORTS: '3000,8000',
      DELIVERY_SCHEDULE_SECONDS: '0, 1.5,60',
      RETENTION_DAYS: '2',
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      PRESENCE_TIMEOUT_SECONDS: '0',
    });
    // Assess
    expect(config).toMatchObject({
      ALLOW_PRIVATE_WEBHOOKS: true,
      WEBHOOK_ALLOWED_HOSTS: ['a.example', 'b.example'],
      WEBHOOK_REFUSED_LOCAL_PORTS: [3000, 8000],
      DELIVERY_SCHEDULE_SECONDS: [0, 1.5, 60],
      RETENTION_DAYS: 2,
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      PRESENCE_TIMEOUT_SECONDS: 0,
    });
  });

  it('names every invalid variable, and never its value', () => {
    // Act
    const load = () =>
      loadConfig({
        ALLOW_PRIVATE_WEBHOOKS: 'yes',
        MAX_BODY_BYTES: '1.5',
        DELIVERY_TIMEOUT_MS: '0',
        DELIVERY_SCHEDULE_SECONDS: '5,-1',
        RETENTION_DAYS: '1',
        LIVE_URL: 'not a url secret-value',
        PRESENCE_TIMEOUT_SECONDS: 'ten',
      });
    // Assess
    expect(load).toThrow(/^Invalid configuration in environment: /);
    const message = (() => {
      try {
        load();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message.replace('Invalid configuration in environment: ', '').split(', ').sort()).toEqual(
      [
        'ALLOW_PRIVATE_WEBHOOKS',
        'DELIVERY_SCHEDULE_SECONDS',
        'DELIVERY_TIMEOUT_MS',
        'LIVE_URL',
        'MAX_BODY_BYTES',
        'PRESENCE_TIMEOUT_SECONDS',
        'RETENTION_DAYS',
      ].sort(),
    );
    expect(message).not.toContain('secret-value');
  });
});
