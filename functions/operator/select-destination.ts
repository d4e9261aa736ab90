import { selectDestinationInput } from '#api/operator.ts';
import { selectDestination } from '#domain/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';

/** POST {apiUrl}/selectDestination: open (or move) the client's conversation in a destination. */
export const handler = operatorEndpoint(selectDestinationInput, selectDestination);
