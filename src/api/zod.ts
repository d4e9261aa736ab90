import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini, the tree-shakable build of zod (each bundle carries only the parts its schemas use), with
 * the English messages that full zod loads by default: a caller reads "Too big: expected string to
 * have <=256 characters", not "Invalid input". Every runtime schema imports it as `* as z` from here
 * (a namespace import, which esbuild can tree-shake; zod's own `{ z }` object cannot be).
 */
config(en());

export * from 'zod/mini';
