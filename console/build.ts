import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { buildSync } from 'esbuild';

/** One file of the console, as the server sends it. */
export interface ConsoleFile {
  body: string;
  contentType: string;
  /** Content-hashed, so it may be cached for a year; `index.html` is not, and is never cached. */
  immutable: boolean;
}

/** The built console: files by their path under `/console/` (`index.html`, `assets/app-XXXX.js`, ...). */
export type ConsoleFiles = Record<string, ConsoleFile>;

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function contentTypeOf(path: string): string {
  return contentTypes[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';
}

function hashed(name: string, body: string): string {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-${hash}${name.slice(dot)}`;
}

const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f5eff"/><path d="M8 10h16v10H15l-5 4v-4H8z" fill="#fff"/></svg>`;

/**
 * Bundles the single-page app (Preact, TypeScript, one stylesheet) in memory with esbuild: content-hashed
 * asset names, and an `index.html` that loads them with no inline script or style, so the
 * Content-Security-Policy can forbid both.
 */
export function buildConsole(): ConsoleFiles {
  const result = buildSync({
    entryPoints: [join(import.meta.dirname, 'src', 'main.tsx')],
    bundle: true,
    write: false,
    outdir: '/assets',
    entryNames: 'app-[hash]',
    format: 'esm',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const files: ConsoleFiles = {};
  const assets: string[] = [];
  for (const output of result.outputFiles) {
    const path = `assets/${basename(output.path)}`;
    files[path] = { body: output.text, contentType: contentTypeOf(path), immutable: true };
    assets.push(path);
  }
  const iconPath = `assets/${hashed('icon.svg', favicon)}`;
  files[iconPath] = { body: favicon, contentType: contentTypeOf(iconPath), immutable: true };
  const script = assets.find((path) => path.endsWith('.js'));
  const style = assets.find((path) => path.endsWith('.css'));
  if (!script || !style) throw new Error('The console build produced no script or no stylesheet');
  files['index.html'] = {
    body: indexHtml({ script, style, icon: iconPath }),
    contentType: 'text/html; charset=utf-8',
    immutable: false,
  };
  return files;
}

/** Paths are relative to `/console/`, so the console works under any base path (a stage, a proxy). */
function indexHtml(paths: { script: string; style: string; icon: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Agent console · Operator Bridge</title>
<link rel="icon" href="${paths.icon}" type="image/svg+xml">
<link rel="stylesheet" href="${paths.style}">
<script type="module" src="${paths.script}"></script>
</head>
<body>
<div id="app"><p class="boot">Loading the agent console…</p></div>
<noscript><p class="boot">The agent console needs JavaScript.</p></noscript>
</body>
</html>
`;
}
