import * as z from 'zod/mini';

/** An absolute http(s) URL: the one check behind every URL the APIs and the command-line tool accept. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value) && URL.canParse(value);
}

export function httpUrl(maxLength = 4096) {
  return z.string().check(z.maxLength(maxLength), z.refine(isHttpUrl, 'must be an http(s) URL'));
}
