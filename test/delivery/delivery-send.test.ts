import { describe, expect, it } from 'vitest';
import { postEvent } from '#delivery/send.ts';

/** One attempt's limit covers the whole attempt: a stalled DNS lookup ends as a timed-out attempt. */
const policy = { allowPrivate: true, allowedHosts: [] };

describe('postEvent', () => {
  it('ends an attempt whose DNS lookup never answers within the attempt timeout, as a retry', async () => {
    // Prepare: a resolver that never answers.
    const stalled = () => new Promise<{ address: string; family: number }[]>(() => {});
    // Act
    const outcome = await postEvent(
      'http://dialogstudio.example/hook',
      '{}',
      {},
      {
        timeoutMs: 200,
        policy,
        resolve: stalled,
      },
    );
    // Assess
    expect(outcome).toEqual({ kind: 'retry', error: 'timeout after 200 ms (dns)' });
  });

  it('still checks the resolved addresses against the policy', async () => {
    // Prepare: the name resolves to the metadata address.
    const metadata = async () => [{ address: '169.254.169.254', family: 4 }];
    // Act
    const outcome = await postEvent(
      'http://dialogstudio.example/hook',
      '{}',
      {},
      {
        timeoutMs: 1_000,
        policy,
        resolve: metadata,
      },
    );
    // Assess
    expect(outcome.kind).toBe('fail');
  });
});
