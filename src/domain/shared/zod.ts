/** The domain's zod is the API's: zod/mini with English messages (`#api/zod.ts` says why). */
export * from '#api/zod.ts';
