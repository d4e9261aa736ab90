import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

/**
 * Lambda for the local deployment: each function runs in child processes of its own (execution
 * environments), started on the first invocation (a cold start) and kept warm; an environment runs one
 * invocation at a time, so concurrent invocations start more, up to `maxEnvironments`. An invocation
 * that outlives the function's timeout fails with `Task timed out` and its environment is discarded, as
 * Lambda does.
 */
export interface FunctionSpec {
  logicalId: string;
  name: string;
  arn: string;
  bundle: string;
  handler: string;
  timeoutSeconds: number;
  environment: Record<string, string>;
}

export type Outcome = { result: unknown } | { error: { errorType: string; errorMessage: string } };

interface Environment {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  pending: Map<string, (outcome: Outcome) => void>;
}

const worker = join(import.meta.dirname, 'lambda-worker.mjs');

export class LocalFunction {
  readonly invocations: { requestId: string; ok: boolean; ms: number; error?: string }[] = [];
  private readonly environments: Environment[] = [];
  private readonly waiting: (() => void)[] = [];
  /** What the function wrote: its log lines (stdout) and Node.js's own (stderr). */
  logs = '';

  constructor(
    readonly spec: FunctionSpec,
    private readonly maxEnvironments = 3,
    private readonly echoLogs = false,
  ) {}

  async invoke(event: unknown): Promise<Outcome> {
    const environment = await this.acquire();
    const requestId = randomUUID();
    const started = performance.now();
    const id = requestId;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    try {
      await environment.ready;
      const outcome = await new Promise<Outcome>((resolve) => {
        const timer = setTimeout(() => {
          environment.pending.delete(id);
          environment.child.kill('SIGKILL');
          resolve({ error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out' } });
        }, timeoutMs);
        environment.pending.set(id, (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        });
        environment.child.send({ id, event, requestId, deadline: Date.now() + timeoutMs });
      });
      const error =
        'error' in outcome ? `${outcome.error.errorType}: ${outcome.error.errorMessage}` : undefined;
      this.invocations.push({
        requestId,
        ok: !error,
        ms: performance.now() - started,
        ...(error && { error }),
      });
      // As Lambda's runtime logs a failed invocation (type and message, never the event).
      if (error)
        this.log(`${JSON.stringify({ level: 'ERROR', message: 'Invoke Error', requestId, error })}\n`);
      return outcome;
    } catch (error) {
      this.invocations.push({ requestId, ok: false, ms: performance.now() - started });
      return { error: { errorType: 'Runtime.ExitError', errorMessage: String(error) } };
    } finally {
      this.release(environment);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.environments.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    this.environments.length = 0;
  }

  private log(text: string): void {
    this.logs += text;
    if (this.echoLogs) process.stderr.write(`[${this.spec.logicalId}] ${text}`);
  }

  private async acquire(): Promise<Environment> {
    for (;;) {
      const idle = this.environments.find((environment) => !environment.busy && alive(environment.child));
      if (idle) {
        idle.busy = true;
        return idle;
      }
      this.environments.splice(
        0,
        this.environments.length,
        ...this.environments.filter((environment) => alive(environment.child)),
      );
      if (this.environments.length < this.maxEnvironments) {
        const environment = this.start();
        environment.busy = true;
        this.environments.push(environment);
        return environment;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(environment: Environment): void {
    environment.busy = false;
    this.waiting.shift()?.();
  }

  private start(): Environment {
    const child = fork(worker, [this.spec.bundle, this.spec.handler], {
      env: this.spec.environment,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
      // Lambda runs Node.js 22: AWS_LOCAL_NODE names that binary where the tests run on another.
      execPath: process.env.AWS_LOCAL_NODE ?? process.execPath,
    });
    const collect = (chunk: Buffer) => this.log(chunk.toString());
    const pending = new Map<string, (outcome: Outcome) => void>();
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: { type: string; id?: string } & Outcome) => {
        if (message.type === 'ready') resolve();
        if (message.type === 'result' && message.id) {
          const settle = pending.get(message.id);
          pending.delete(message.id);
          settle?.('error' in message ? { error: message.error } : { result: message.result });
        }
      });
      child.once('exit', (code, signal) => {
        reject(new Error(`${this.spec.logicalId} exited (${code ?? signal}) before it was ready`));
        // An environment that dies mid-invocation fails that invocation, as Lambda's Runtime.ExitError.
        for (const [id, settle] of pending) {
          pending.delete(id);
          settle({
            error: { errorType: 'Runtime.ExitError', errorMessage: `exited with ${code ?? signal}` },
          });
        }
      });
    });
    ready.catch(() => {});
    return { child, ready, busy: false, pending };
  }
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
