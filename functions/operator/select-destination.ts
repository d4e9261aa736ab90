import { selectDestinationInput } from '#api/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';
import { selectDestination } from '#use-cases/operator/select-destination.ts';

/** POST {apiUrl}/selectDestination: open (or move) the client's conversation in a destination. */
export const handler = operatorEndpoint(selectDestinationInput, selectDestination);
