/**
 * Runs before every test file: its store is the run's DynamoDB Local when `TEST_DYNAMODB_ENDPOINT` is
 * set (`npm run test:dynamodb-local`), the embedded dynalite otherwise, and never a `DYNAMODB_ENDPOINT`
 * left in the shell or by the previous file in this worker.
 */
if (process.env.TEST_DYNAMODB_ENDPOINT) process.env.DYNAMODB_ENDPOINT = process.env.TEST_DYNAMODB_ENDPOINT;
else delete process.env.DYNAMODB_ENDPOINT;
