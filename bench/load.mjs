/**
 * The load generator of the HTTP rows, in its own process so that it does not share an event loop
 * with what it measures: autocannon POSTing `sendText` bodies, each from one of 1,000 users.
 *
 *   node bench/load.mjs '{"url": "...", "connections": 16, "duration": 10}'   (or "amount" instead of "duration")
 */
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2] ?? '{}');
let sent = 0;
const result = await autocannon({
  url: options.url,
  connections: options.connections ?? 16,
  ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 10 }),
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => {
        sent++;
        return { ...request, body: JSON.stringify({ userId: `load-${sent % 1000}`, text: 'hello' }) };
      },
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  })}\n`,
);
