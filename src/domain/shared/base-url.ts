/**
 * The bridge's own address (`PUBLIC_URL`, `--base-url`, the stack's API URL) and the URLs printed from
 * it: one rule for what such an address may be, and one for how a path is joined to it.
 */

/** Whether a value is an http(s) URL a person may give as the bridge's address: the APIs' one rule. */
export { isHttpUrl } from '#api/http-url.ts';

/** A base URL as every printed URL joins it: without trailing slashes (`https://a.example/` → `https://a.example`). */
export function withoutTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}
