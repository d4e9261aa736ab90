import { checkValue } from '#domain/shared/validation.ts';
import type * as z from '#domain/shared/zod.ts';
import type { HttpEvent } from '#http/endpoint.ts';

/** The token of `Authorization: Bearer {token}`; undefined when the header is missing or of another scheme. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}

/** An optional request header (headers are normalised to lower case), validated: 400 `invalid_header` naming it. */
export function readHeader<Value>(
  schema: z.ZodMiniType<Value>,
  event: HttpEvent,
  name: string,
): Value | undefined {
  const raw = event.headers[name];
  if (raw === undefined) return undefined;
  return checkValue(schema, raw, 'invalid_header', name);
}
