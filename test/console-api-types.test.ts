import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConsole } from '../console/build.ts';
import { root } from './support/clients.ts';

/** The console takes its Agent API types from `src/api` (the declarations the server validates with). */
describe("the console's API types", () => {
  it('come from #api as type-only imports: the console source imports no value from the server', () => {
    // Prepare
    const dir = join(root, 'console', 'src');
    const sources = readdirSync(dir).filter((name) => /\.tsx?$/.test(name));

    // Act
    const serverImports = sources.flatMap((name) =>
      [
        ...readFileSync(join(dir, name), 'utf8').matchAll(
          /^import\s+(type\s+)?[^;]*?from\s+'(#[^']+|\.\.\/[^']+)'/gm,
        ),
      ].map(([line, typeOnly, from]) => ({ name, from: from ?? '', typeOnly: Boolean(typeOnly), line })),
    );

    // Assess
    expect(serverImports.map(({ from }) => from)).toEqual(expect.arrayContaining(['#api/agent.ts']));
    expect(serverImports.filter(({ typeOnly, from }) => !typeOnly || !from.startsWith('#api/'))).toEqual([]);
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
