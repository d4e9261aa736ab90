import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#api/routes.ts';
import { type Synthesized, synthesize } from './synthesize.ts';

let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synthesize();
});

describe('the agent console in the stack', () => {
  const consoleRoutes = routes.filter((route) => route.embedsConsole);

  it('is served by the same HTTP API as the Agent API, at /console and /console/{file+}', () => {
    expect(consoleRoutes.map((route) => `${route.method} ${route.path}`).sort()).toEqual([
      'GET /console',
      'GET /console/{file+}',
    ]);
    const routeKeys = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    expect(routeKeys).toEqual(expect.arrayContaining(['GET /console', 'GET /console/{file+}']));
  });

  it('gives the console functions no access to the table', () => {
    const policies = Object.values(synthesized.template.findResources('AWS::IAM::Policy'));
    for (const route of consoleRoutes) {
      const fn = synthesized.stack.api.functions.get(route.name);
      if (!fn?.role) throw new Error(`No function for ${route.name}`);
      const roleId = synthesized.logicalId(fn.role);
      const statements = policies
        .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]);
      expect(
        statements.flatMap((statement) => statement.Action).filter((a) => a.startsWith('dynamodb:')),
      ).toEqual([]);
    }
  });

  it('outputs the console URL, on the API base', () => {
    const outputs = synthesized.template.findOutputs('ConsoleUrl');
    const value = JSON.stringify(Object.values(outputs)[0]?.Value);
    expect(value).toContain(synthesized.logicalId(synthesized.stack.api.httpApi));
    expect(value).toContain('/console/');
  });
});
