import { httpUrl as httpUrlOf } from '#api/http-url.ts';
import * as z from '#api/zod.ts';

/** What both APIs share: the http(s) URL a caller gives, and the error every route answers. */

/** The http(s) URL a caller gives: at most 4096 characters. */
export const httpUrl = httpUrlOf(4096);

/** Any answer but 2xx, from every route: a stable `code`, a human `message`, the failing fields. */
export const errorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().register(z.globalRegistry, { description: 'stable, machine-readable' }),
    message: z.string(),
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** An ISO 8601 time in UTC, as every answer writes one (`2026-12-04T01:52:00.000Z`). */
export const isoTime = z.iso.datetime();
