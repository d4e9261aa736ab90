import type { z } from 'zod';
import type { Deps } from '#domain/deps.ts';
import type { Channel } from '#domain/model.ts';
import { authenticateChannel } from '#domain/operator.ts';
import { jsonEndpoint } from '#http/endpoint.ts';

/** An Operator API endpoint: the channel token in the path is the credential. */
export function operatorEndpoint<Input = undefined>(
  input: z.ZodType<Input> | undefined,
  action: (deps: Deps, channel: Channel, input: Input) => Promise<object>,
) {
  return jsonEndpoint<Channel, Input>(
    { authenticate: (deps, event) => authenticateChannel(deps, event.pathParameters?.token), input },
    ({ deps, principal, input }) => action(deps, principal, input),
  );
}
