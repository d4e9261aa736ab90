import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { matchPath, routePaths } from '#api/route-paths.ts';
import { fallbackRoute, matchRoute, routes } from '#api/routes.ts';

/** The checkout under test: its own sources, never another copy's. */
const root = resolve(import.meta.dirname, '../..');

/**
 * Matching a request on the routes' paths alone: the same answers as the route table, so the fallback
 * function can match without carrying every route's schemas.
 */
describe('route paths', () => {
  it('name the same routes, methods and paths as the route table, in its order', () => {
    expect(routePaths.map(({ name, method, path }) => ({ name, method, path }))).toEqual(
      routes.map(({ name, method, path }) => ({ name, method, path })),
    );
  });

  it('find a route with its path parameters decoded, and the route table gives its schemas', () => {
    // Act
    const byPath = matchPath('post', '/agent/conversations/cv_1/messages/cv_1-3/retry');
    const byRoute = matchRoute('POST', '/agent/conversations/cv_1/messages/cv_1-3/retry');

    // Assess
    expect(byPath).toEqual({
      kind: 'route',
      name: 'RetryMessage',
      pathParameters: { conversationId: 'cv_1', messageId: 'cv_1-3' },
    });
    expect(byRoute.kind === 'route' && byRoute.route.name).toBe('RetryMessage');
    expect(byRoute.kind === 'route' && byRoute.pathParameters).toEqual(
      byPath.kind === 'route' && byPath.pathParameters,
    );
  });

  it('take the rest of the path for a greedy parameter, and keep a segment that is no valid escape', () => {
    expect(matchPath('GET', '/console/assets/app.js')).toMatchObject({
      pathParameters: { file: 'assets/app.js' },
    });
    expect(matchPath('GET', '/operator/a%2Fb/getDestinations')).toMatchObject({
      pathParameters: { token: 'a/b' },
    });
    expect(matchPath('GET', '/operator/100%/getDestinations')).toMatchObject({
      pathParameters: { token: '100%' },
    });
  });

  it('answer the methods a path takes when only the method is wrong, and none for an unknown path', () => {
    expect(matchPath('DELETE', '/agent/conversations/cv_1/messages')).toEqual({
      kind: 'wrong-method',
      allow: ['GET', 'POST'],
    });
    expect(matchPath('GET', '/agent/nothing-here')).toEqual({ kind: 'none' });
    expect(matchPath('GET', '/agent/me/')).toEqual({ kind: 'none' });
  });

  it("keep the fallback function's bundle free of the API's schemas and zod", async () => {
    // Act
    const built = await build({
      absWorkingDir: root,
      entryPoints: [fallbackRoute.entry],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });

    // Assess
    const inputs = Object.keys(built.metafile.inputs);
    expect(inputs).toContain('src/api/route-paths.ts');
    expect(inputs.filter((input) => input.includes('zod') || input.startsWith('src/api/routes'))).toEqual([]);
  });
});
