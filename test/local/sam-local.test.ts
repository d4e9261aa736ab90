import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Template, withoutWebSocketApis } from '../../scripts/sam-template.ts';
import { synthesize } from '../cdk/synthesize.ts';
import { root } from '../support/clients.ts';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'operator-bridge-sam-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('npm run sam:api', () => {
  it('names every missing prerequisite and how to get it, before synthesising anything', {
    timeout: 60_000,
  }, async () => {
    // Act: a PATH with neither sam nor docker, and no local stack.
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/sam-local.ts'],
        { cwd: root, env: { ...process.env, PATH: scratch, DATA_DIR: scratch }, timeout: 50_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^The AWS SAM CLI \(sam\) is not installed: https:\/\/docs\.aws\.amazon\.com\//),
      expect.stringMatching(/^Docker is not running .*start Docker Desktop/),
      `No local stack is running on ${scratch}: start it first with npm start (in another terminal)`,
    ]);
    expect(result.stdout).not.toContain('Synthesizing');
  });
});

describe('the template sam local gets', () => {
  let synthesized: Template;
  let sam: Template;
  beforeAll(() => {
    synthesized = synthesize().template.toJSON() as Template;
    sam = withoutWebSocketApis(synthesized);
  });
  const ofType = (template: Template, type: string) =>
    Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
  const routeKeys = (template: Template) =>
    ofType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => String(route.Properties?.RouteKey));

  it('has only route keys SAM CLI parses ("METHOD /path" or $default), and every HTTP route', () => {
    // Prepare: the synthesized template has the WebSocket routes SAM CLI fails on.
    expect(routeKeys(synthesized)).toEqual(expect.arrayContaining(['$connect', '$disconnect']));

    // Assess
    for (const key of routeKeys(sam)) expect(key).toMatch(/^(\$default|(GET|POST|PUT|OPTIONS|ANY) \/\S*)$/);
    expect(routeKeys(sam).sort()).toEqual(
      routeKeys(synthesized)
        .filter((key) => !key.startsWith('$') || key === '$default')
        .sort(),
    );
    expect(ofType(sam, 'AWS::ApiGatewayV2::Api').map(([, api]) => api.Properties?.ProtocolType)).toEqual([
      'HTTP',
    ]);
  });

  it('keeps every function, without the settings that named the WebSocket API, and nothing that names it', () => {
    expect(ofType(sam, 'AWS::Lambda::Function').map(([id]) => id)).toEqual(
      ofType(synthesized, 'AWS::Lambda::Function').map(([id]) => id),
    );
    const [webSocketApiId] = ofType(synthesized, 'AWS::ApiGatewayV2::Api')
      .filter(([, api]) => api.Properties?.ProtocolType === 'WEBSOCKET')
      .map(([id]) => id);
    expect(webSocketApiId).toBeDefined();
    expect(JSON.stringify(sam)).not.toContain(`"${webSocketApiId}"`);
    for (const [id, fn] of ofType(sam, 'AWS::Lambda::Function')) {
      const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      expect(variables, id).not.toHaveProperty('LIVE_URL');
      expect(variables, id).toHaveProperty('TABLE_NAME');
    }
    // Everything that depends on a resource names one that is still there.
    const ids = new Set(Object.keys(sam.Resources));
    for (const resource of Object.values(sam.Resources)) {
      for (const dependency of [resource.DependsOn ?? []].flat())
        expect(ids.has(dependency), dependency).toBe(true);
    }
    expect(Object.keys(sam.Outputs ?? {})).not.toContain('LiveUrl');
    expect(Object.keys(sam.Outputs ?? {})).toContain('ApiUrl');
  });
});
