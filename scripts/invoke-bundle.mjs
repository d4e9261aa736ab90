/**
 * Runs one production bundle as Lambda's Node.js runtime would, in this fresh process: imports it,
 * then calls its `handler` with each event read from stdin (a JSON array), one after the other.
 * Prints one JSON line: how long the import took, and each answer with its duration.
 * Plain JavaScript, so that nothing but Node.js itself runs before the bundle.
 *
 *   node scripts/invoke-bundle.mjs path/to/index.mjs [timeoutSeconds] < events.json
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [bundle, timeoutSeconds = '10'] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const events = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const importStart = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const importMs = performance.now() - importStart;

function lambdaContext() {
  const deadline = Date.now() + Number(timeoutSeconds) * 1000;
  return {
    awsRequestId: randomUUID(),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bundle',
    functionVersion: '$LATEST',
    memoryLimitInMB: '256',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

const invocations = [];
for (const event of events) {
  const start = performance.now();
  try {
    const result = await handler(event, lambdaContext());
    invocations.push({ ms: performance.now() - start, result: result ?? null });
  } catch (error) {
    invocations.push({ ms: performance.now() - start, error: String(error?.stack ?? error) });
  }
}
process.stdout.write(`${JSON.stringify({ importMs, invocations })}\n`);
