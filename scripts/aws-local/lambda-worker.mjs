/**
 * One Lambda execution environment for `npm run stack:aws-local`: imports the function's bundle once
 * (the cold start), then runs one invocation at a time as the parent sends them over IPC, with a
 * Lambda context whose remaining time counts down to the function's timeout. Plain JavaScript, so that
 * nothing but Node.js runs before the bundle.
 */
import { pathToFileURL } from 'node:url';

const [bundle, handlerName = 'handler'] = process.argv.slice(2);
const started = performance.now();
const module = await import(pathToFileURL(bundle).href);
const handler = module[handlerName];
process.send({ type: 'ready', importMs: performance.now() - started });

process.on('message', async ({ id, event, requestId, deadline }) => {
  const context = {
    awsRequestId: requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.LOCAL_FUNCTION_ARN,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    process.send({ type: 'result', id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({
      type: 'result',
      id,
      error: { errorType: error?.name ?? 'Error', errorMessage: String(error?.message ?? error) },
    });
  }
});
