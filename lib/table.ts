import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableDefinition } from '#store/table.ts';

export interface BridgeTableProps {
  /** Deletion protection and RETAIN, so that deleting the stack never deletes conversations. */
  retainData: boolean;
}

/**
 * The one table, with the key schema and indexes of `tableDefinition` (the same one the local runtime
 * creates), so the local table and the AWS table cannot drift.
 */
export class BridgeTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: BridgeTableProps) {
    super(scope, id);
    const stringKey = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Delivery reads new outbox entries from the stream; the TTL clean-up reads the old image of an
      // expired conversation (to keep one that still has an undelivered event); live updates read the
      // old image too, to tell the queue a conversation left and to skip rewrites that changed nothing.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      // Items carry `expiresAt` (epoch seconds) when the deployment sets a retention period.
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      deletionProtection: props.retainData,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of tableDefinition.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.include],
      });
    }
  }
}
