/**
 * What the Lambda bundles use in place of `@smithy/core/event-streams` (an esbuild alias in
 * `lib/bundling.ts`). The SDK's protocol layer imports it lazily for operations that stream events;
 * DynamoDB, SQS and the API Gateway management API have none, so the codec, its checksums and
 * marshallers (about 20 KiB of every bundle) would never run. Same exports; calling one is a bug.
 */
function unused(): never {
  throw new Error('Event streams are not bundled: no operation this project calls streams events');
}

export class EventStreamSerde {
  constructor() {
    unused();
  }
}

export const eventStreamSerdeProvider = unused;
