import { resolve } from 'node:path';
import { startLocalStack } from '#local/stack.ts';

/** `npm start`: the local runtime, persisted under DATA_DIR (default .data), on PORT (default 3000). */
const root = resolve(import.meta.dirname, '../..');
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
process.env.LOG_LEVEL ??= 'WARN';

const stack = await startLocalStack({
  dataDir,
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? '127.0.0.1',
  root,
});

console.log(`Operator Bridge is running on ${stack.baseUrl}

  Operator API URL (paste into DialogStudio: Channels > Transfer to the agent > Operator API > API URL):
    ${stack.info.operatorApiUrl}

  Agent API: ${stack.info.agentApiUrl}  (Authorization: Bearer <agent token>)
  Agent ${stack.info.employeeId}, token: ${stack.info.agentToken}
  Agent console: ${stack.info.consoleUrl}

  Data: ${dataDir} (written to ${resolve(dataDir, 'local-stack.json')})
  Stop with Ctrl+C; a restart keeps the data and the URL.
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stack.close().then(() => process.exit(0));
  });
}
