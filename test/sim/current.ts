import type { Deps } from '#domain/shared/deps.ts';
import type { World } from './world.ts';

/**
 * The run in progress: the module mocks of the simulation (`#deps`, the webhook transport, ids)
 * read it, so the Lambda handlers and the delivery engine run over the simulated world unchanged.
 */
export const current: { world?: World; deps?: Deps; ids: number } = { ids: 0 };
