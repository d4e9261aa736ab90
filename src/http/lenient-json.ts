/**
 * JSON.parse that also accepts trailing commas before `}` or `]`: the Operator API page's own
 * setWebhook example has one, and DialogStudio users copy it. Everything else is strict JSON.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (strictError) {
    const relaxed = withoutTrailingCommas(text);
    if (relaxed === text) throw strictError;
    return JSON.parse(relaxed);
  }
}

function withoutTrailingCommas(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      out += char;
      if (char === '\\') out += text[++i] ?? '';
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    if (char === ',') {
      const next = text.slice(i + 1).match(/^\s*([}\]])/);
      if (next) continue;
    }
    out += char;
  }
  return out;
}
