import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { KeyFamily, TableAccess } from '#api/routes.ts';
import { keyFamilies } from '#store/key-families.ts';

/** The calls the store layer (`src/store`) makes, and no others: no scans, no batches. */
const readActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const writeActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/**
 * Only these partition keys. `ForAllValues` because a request may name several (a transaction is
 * checked item by item, each against its own action): every one must match.
 */
function onlyPartitions(leadingKeys: readonly string[]) {
  return { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] } };
}

function leadingKeysOf(families: readonly KeyFamily[], index: string | undefined): string[] {
  return families.flatMap((name) => {
    const family: { index?: string; leadingKeys: readonly string[] } = keyFamilies[name];
    return family.index === index ? family.leadingKeys : [];
  });
}

/**
 * The statements for what a function declares in the route table: reads (GetItem, Query) and writes
 * (PutItem, UpdateItem, DeleteItem) on the table, each limited to the partition keys of the declared
 * key families (`dynamodb:LeadingKeys`), and queries on each index it reads, by name, limited to that
 * index's partition keys. Nothing for `none`.
 */
function tableStatements(tableArn: string, access: TableAccess): PolicyStatement[] {
  if (access === 'none') return [];
  const statements: PolicyStatement[] = [];
  const onTable = (actions: string[], families: readonly KeyFamily[]) => {
    const leadingKeys = leadingKeysOf(families, undefined);
    if (leadingKeys.length === 0) return;
    statements.push(
      new PolicyStatement({ actions, resources: [tableArn], conditions: onlyPartitions(leadingKeys) }),
    );
  };
  onTable(readActions, access.reads);
  onTable(writeActions, access.writes);
  const indexes = new Set(
    access.reads.flatMap((name) => (keyFamilies[name] as { index?: string }).index ?? []),
  );
  for (const index of indexes) {
    statements.push(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${tableArn}/index/${index}`],
        conditions: onlyPartitions(leadingKeysOf(access.reads, index)),
      }),
    );
  }
  return statements;
}

/** Grants exactly what the route table declares for the function (see `tableStatements`). */
export function grantTableAccess(table: ITable, fn: IGrantable, access: TableAccess): void {
  for (const statement of tableStatements(table.tableArn, access))
    fn.grantPrincipal.addToPrincipalPolicy(statement);
}
