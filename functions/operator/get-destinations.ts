import { operatorEndpoint } from '#http/operator-endpoint.ts';
import { getDestinations } from '#use-cases/operator/get-destinations.ts';

/** GET {apiUrl}/getDestinations: agent groups and whether any of their agents is online. */
export const handler = operatorEndpoint(undefined, (deps) => getDestinations(deps));
