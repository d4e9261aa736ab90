import type { Channel } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import type * as z from '#domain/shared/zod.ts';
import { jsonEndpoint } from '#http/endpoint.ts';
import { authenticateChannel } from '#use-cases/operator/authenticate-channel.ts';

/** An Operator API endpoint: the channel token in the path is the credential. */
export function operatorEndpoint<Input = undefined>(
  input: z.ZodMiniType<Input> | undefined,
  action: (deps: Deps, channel: Channel, input: Input) => Promise<object>,
) {
  return jsonEndpoint<Channel, Input>(
    { authenticate: (deps, event) => authenticateChannel(deps, event.pathParameters?.token), input },
    ({ deps, principal, input }) => action(deps, principal, input),
  );
}
