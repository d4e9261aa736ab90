import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryState, LeasePort } from '#domain/outbox/ports.ts';
import { Expression } from '#store/expression.ts';
import { expiry, isConditionFailure, landed } from '#store/items.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * The delivery lease, kept on the conversation item (`CONV#{id}` / `META`) with the per-target
 * cursors and the redriven set, so the deliverer needs no item of its own.
 */

function deliveryState(item: Record<string, unknown>): DeliveryState {
  return {
    channelId: item.channelId as string,
    lastSeq: (item.lastSeq as number | undefined) ?? 0,
    cursors: (item.cursors as DeliveryState['cursors'] | undefined) ?? {},
    closed: item.status === 'closed',
    redriven: [...((item.redriven as Set<number> | undefined) ?? [])].sort((a, b) => a - b),
    redriveVersion: (item.redriveVersion as number | undefined) ?? 0,
    // A set of numbers (version 0.1.0 saved a count there, which reads as none).
    failedEvents: item.failedEvents instanceof Set ? [...item.failedEvents].sort((a, b) => a - b) : [],
    lastMessageAt: item.lastMessageAt as string,
  };
}

type Progress = Parameters<LeasePort['release']>[2];

/**
 * One write of the conversation item: saves the cursors, the head (where the sweep finds it), the
 * failed events (the numbers) and the expiry (none while an event is pending or failed, else renewed), and lets go
 * of the lease. `settle` also takes finished events off the redriven set,
 * only if nothing landed since the pass read its state (numbers, redrives, requests for a pass).
 */
function releaseWith(db: Db) {
  return (conversationId: string, owner: string, progress: Progress, settle: boolean) => {
    const expression = new Expression();
    expression.set(`cursors = ${expression.value(progress.cursors)}`).remove('leaseOwner', 'leaseUntil');
    const { head } = progress;
    // Only the holder changes the failed events, so the set is saved whole; an undelivered event never expires.
    const failed = progress.failedEvents.length > 0;
    if (failed) expression.set(`failedEvents = ${expression.value(new Set(progress.failedEvents))}`);
    else expression.remove('failedEvents');
    const { expiresAt } = expiry(db, progress.at);
    if (head || failed) expression.remove('expiresAt');
    else if (expiresAt !== undefined) expression.set(`expiresAt = ${expression.value(expiresAt)}`);
    if (head) {
      const state =
        'due' in head
          ? keys.dueState(conversationId, head.due)
          : keys.waitingState(
              head.waitingFor.channelId,
              head.waitingFor.target,
              conversationId,
              head.otherDue,
            );
      expression.set(
        `gsi1pk = ${expression.value(state.gsi1pk)}`,
        `gsi1sk = ${expression.value(state.gsi1sk)}`,
      );
    } else {
      expression.remove('gsi1pk', 'gsi1sk');
    }
    const conditions = [`leaseOwner = ${expression.value(owner)}`];
    if (settle) {
      const version = expression.name('redriveVersion');
      conditions.push(
        `${expression.name('lastSeq')} = ${expression.value(progress.seenLastSeq)}`,
        'attribute_not_exists(anotherPass)',
        progress.seenRedriveVersion === 0
          ? `attribute_not_exists(${version})`
          : `${version} = ${expression.value(progress.seenRedriveVersion)}`,
      );
      if (progress.redrivenDone.length)
        expression.delete(`redriven ${expression.value(new Set(progress.redrivenDone))}`);
    }
    return landed(
      db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.conversation(conversationId),
          ConditionExpression: conditions.join(' AND '),
          ...expression.params(),
        }),
      ),
    );
  };
}

export function dynamoLeases(db: Db): LeasePort {
  const letGo = releaseWith(db);
  return {
    async acquire(conversationId, owner, now, until) {
      try {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.conversation(conversationId),
            UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until REMOVE anotherPass',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)',
            ExpressionAttributeValues: {
              ':owner': owner,
              ':until': until.toISOString(),
              ':now': now.toISOString(),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return deliveryState(Attributes ?? {});
      } catch (error) {
        if (isConditionFailure(error)) return 'held';
        throw error;
      }
    },

    async requestAnotherPass(conversationId, now) {
      return landed(
        db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.conversation(conversationId),
            UpdateExpression: 'SET anotherPass = :yes',
            ConditionExpression: 'attribute_exists(leaseOwner) AND leaseUntil >= :now',
            ExpressionAttributeValues: { ':yes': true, ':now': now.toISOString() },
          }),
        ),
      );
    },

    async abandon(conversationId, owner) {
      await landed(
        db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.conversation(conversationId),
            UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: { ':owner': owner },
          }),
        ),
      );
    },

    async release(conversationId, owner, progress, force) {
      if (await letGo(conversationId, owner, progress, true)) return true;
      // Out of time with work landed meanwhile: let go without erasing it, and come back soon.
      return force && letGo(conversationId, owner, { ...progress, head: { due: progress.at } }, false);
    },
  };
}
