import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConsole } from '../../console/build.ts';
import { root } from '../support/clients.ts';

/**
 * The pure modules of `src/api` the console may bundle: each imports nothing, so the console gets no
 * server code through them (checked below); it fills placeholders and writes weekly hours exactly as the
 * server and the CLI do.
 */
const bundledPureModules = ['#api/placeholders.ts', '#api/weekly-hours.ts'];

/** The console takes its Agent API types from `src/api` (the declarations the server validates with). */
describe("the console's API types", () => {
  it('come from #api as type-only imports: the console source imports no value from the server but its pure modules', () => {
    // Prepare
    const dir = join(root, 'console', 'src');
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) =>
      /\.tsx?$/.test(name),
    );

    // Act
    const serverImports = sources.flatMap((name) =>
      [
        ...readFileSync(join(dir, name), 'utf8').matchAll(
          /^import\s+(type\s+)?[^;]*?from\s+'(#[^']+|\.\.?\/[^']+)'/gm,
        ),
      ]
        .map(([line, typeOnly, from]) => ({ name, from: from ?? '', typeOnly: Boolean(typeOnly), line }))
        // A relative import that stays in console/src is the console's own.
        .filter(
          ({ from }) =>
            from.startsWith('#') || relative(dir, resolve(dir, dirname(name), from)).startsWith('..'),
        ),
    );

    // Assess
    expect(serverImports.map(({ from }) => from)).toEqual(expect.arrayContaining(['#api/agent.ts']));
    expect(serverImports.map(({ from }) => from)).toEqual(expect.arrayContaining(bundledPureModules));
    expect(
      serverImports.filter(
        ({ typeOnly, from }) =>
          !bundledPureModules.includes(from) && (!typeOnly || !from.startsWith('#api/')),
      ),
    ).toEqual([]);
  });

  it.each(bundledPureModules)('bundles %s, which imports nothing', (module) => {
    // Act
    const source = readFileSync(join(root, 'src', 'api', module.slice('#api/'.length)), 'utf8');

    // Assess
    expect(source).not.toMatch(/^\s*(import|export)\s[^;]*\sfrom\s/m);
    expect(source).not.toMatch(/\bimport\(|\brequire\(/);
  });

  it('leave no zod in the built bundle', () => {
    // Act
    const scripts = Object.entries(buildConsole()).filter(([path]) => path.endsWith('.js'));

    // Assess
    expect(scripts.length).toBeGreaterThan(0);
    // zod's minified code keeps its class names and issue codes as strings.
    for (const [path, file] of scripts) expect(file.body, path).not.toMatch(/\$Zod|invalid_type/);
  });
});
