import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Stack, Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { openApiDocument } from '#openapi';

const written = new Map<string, string>();

/** The source of a module with the export of `src/openapi.ts`, the document generated at synthesis. */
function openApiModule(): string {
  return `const document = ${JSON.stringify(openApiDocument())};\nexport function openApiDocument() {\n  return document;\n}\n`;
}

/**
 * The esbuild arguments that embed the OpenAPI document in a function's bundle: generated once per
 * synthesis from the route table's schemas (the document depends on the code only), with `#openapi`
 * aliased to it, so the function carries JSON instead of full zod and its JSON Schema generator.
 */
export function embeddedOpenApiArgs(scope: Construct): Record<string, string> {
  if (!Stack.of(scope).bundlingRequired) return {};
  // Absolute: esbuild reads an alias without `./` as a package name, and `cdk synth` alone gives `cdk.out`.
  const directory = resolve(Stage.of(scope)?.outdir ?? '.', 'openapi-build');
  let module = written.get(directory);
  if (!module) {
    module = join(directory, 'openapi-document.mjs');
    mkdirSync(directory, { recursive: true });
    writeFileSync(module, openApiModule());
    written.set(directory, module);
  }
  return { '--alias:#openapi': module };
}
