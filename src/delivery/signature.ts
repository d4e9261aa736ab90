import { createHmac } from 'node:crypto';

/**
 * The Standard Webhooks headers for one message: `webhook-signature` is `v1,` and the base64
 * HMAC-SHA256, keyed with the secret's bytes, of `{id}.{timestamp}.{body}`.
 */
export function standardWebhookHeaders(secret: string, id: string, timestamp: Date, body: string) {
  const seconds = String(Math.floor(timestamp.getTime() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${seconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': seconds, 'webhook-signature': `v1,${signature}` };
}
