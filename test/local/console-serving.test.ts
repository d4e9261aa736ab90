import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchRoute } from '#api/routes.ts';
import { consoleFiles } from '#console-files';
import { consoleResponse, contentSecurityPolicy } from '#http/console-response.ts';
import { startLocalStack } from '#local/stack.ts';
import { root } from '../support/clients.ts';

/** How the agent console is served: the same handler behind the local runtime and the deployed API. */
const files = consoleFiles();
const index = files['index.html'];

function assetPaths(): string[] {
  return [...(index?.body ?? '').matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
}

describe('the built console', () => {
  it('loads only content-hashed files that exist, with no inline script or style', () => {
    const paths = assetPaths();
    expect(paths.length).toBe(3);
    for (const path of paths) {
      expect(path).toMatch(/^assets\/[\w.]+-[A-Za-z0-9]{8,}\.(js|css|svg)$/);
      expect(files[path]?.immutable, path).toBe(true);
    }
    expect(index?.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(index?.body).not.toMatch(/<style|\sstyle=|\son\w+=/);
  });

  it('names nothing outside its own origin: no CDN, no external font', () => {
    for (const [path, file] of Object.entries(files)) {
      expect(file.body, path).not.toMatch(/@import\s+url\(|fonts\.googleapis|cdn\.|unpkg|jsdelivr/);
    }
  });
});

describe('consoleResponse', () => {
  it('never caches index.html and gives it a strict Content-Security-Policy', () => {
    const reply = consoleResponse(files, '/console/');
    expect(reply.statusCode).toBe(200);
    expect(reply.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    const policy = String(reply.headers?.['content-security-policy']);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
  });

  it('caches the hashed assets for a year, with their content types', () => {
    const script = assetPaths().find((path) => path.endsWith('.js')) ?? '';
    const style = assetPaths().find((path) => path.endsWith('.css')) ?? '';
    const js = consoleResponse(files, `/console/${script}`);
    const css = consoleResponse(files, `/console/${style}`);
    expect(js.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
    });
    expect(css.headers?.['content-type']).toBe('text/css; charset=utf-8');
    expect(js.body).toBe(files[script]?.body);
  });

  it('sends /console on to /console/, relatively, so a base path in front is kept', () => {
    const reply = consoleResponse(files, '/console');
    expect(reply.statusCode).toBe(308);
    expect(reply.headers?.location).toBe('console/');
  });

  it.each(['/console/nope.js', '/console/assets/', '/console/__proto__', '/console/assets/../index.html'])(
    'answers %s with a 404 in the error envelope',
    (path) => {
      const reply = consoleResponse(files, path);
      expect(reply.statusCode).toBe(404);
      expect(JSON.parse(reply.body ?? '')).toMatchObject({ error: { code: 'file_not_found' } });
    },
  );

  it('lets the page reach the live-updates WebSocket API when it is on another origin, and nothing else', () => {
    expect(contentSecurityPolicy(undefined)).toContain("connect-src 'self';");
    expect(contentSecurityPolicy('wss://abc.execute-api.eu-west-1.amazonaws.com/live?x=1')).toContain(
      "connect-src 'self' wss://abc.execute-api.eu-west-1.amazonaws.com;",
    );
    expect(contentSecurityPolicy('not a url')).toContain("connect-src 'self';");
  });
});

describe('the console routes', () => {
  it('match /console, /console/ and any file below, as API Gateway routes them', () => {
    const names = ['/console', '/console/', '/console/assets/app-X.js'].map((path) => {
      const match = matchRoute('GET', path);
      return match.kind === 'route' ? match.route.name : match.kind;
    });
    expect(names).toEqual(['ServeConsoleIndex', 'ServeConsoleFile', 'ServeConsoleFile']);
    expect(matchRoute('POST', '/console/').kind).toBe('wrong-method');
  });
});

describe('the console over the local runtime', () => {
  let stack: Awaited<ReturnType<typeof startLocalStack>>;

  beforeAll(async () => {
    process.env.TABLE_NAME = 'operator-bridge-console-serving-test';
    stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
  });
  afterAll(() => stack.close());

  it('serves the page at the console link npm start prints, and its assets', async () => {
    const link = new URL(stack.info.consoleUrl);
    expect(link.pathname).toBe('/console/');
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const script = /src="([^"]+)"/.exec(html)?.[1] ?? '';
    const asset = await fetch(new URL(script, link));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await asset.text()).length).toBeGreaterThan(1000);
  });

  it('redirects /console to /console/', async () => {
    const reply = await fetch(`${stack.baseUrl}/console`, { redirect: 'manual' });
    expect(reply.status).toBe(308);
    expect(new URL(reply.headers.get('location') ?? '', `${stack.baseUrl}/console`).pathname).toBe(
      '/console/',
    );
  });
});
