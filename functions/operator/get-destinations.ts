import { getDestinations } from '#domain/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';

/** GET {apiUrl}/getDestinations: agent groups and whether any of their agents is online. */
export const handler = operatorEndpoint(undefined, (deps) => getDestinations(deps));
