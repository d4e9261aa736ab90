import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  ConversationState,
  ConversationsPort,
  ConversationWrite,
  Guard,
  WriteResult,
} from '#domain/conversations/ports.ts';
import {
  getConversation,
  holdsExpiry,
  putPrechat,
  queueKeys,
  readItem,
  toConversation,
  withoutPrechat,
} from '#store/conversation-item.ts';
import { Expression } from '#store/expression.ts';
import { expiry, isConditionFailure, landed } from '#store/items.ts';
import { keys, seqOfSortKey } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * The numbered writes of a conversation item: its creation with the opening entries as its intent, the
 * one conditional update that takes numbers (recognising its own resend by its write id), and the
 * counter's catch-up after a crash.
 */

function guardConditions(expression: Expression, guard: Guard | undefined): string[] {
  if (!guard) return [];
  const conditions: string[] = [];
  // Named only when a condition uses it: DynamoDB refuses an unused name.
  let assigneeName: string | undefined;
  const assignee = () => {
    assigneeName ??= expression.name('assignee');
    return assigneeName;
  };
  if (guard.destinationIn) {
    const list = guard.destinationIn.map((id) => expression.value(id)).join(', ');
    conditions.push(`${expression.name('destinationId')} IN (${list})`);
  }
  if (guard.assigneeFreeFor) {
    conditions.push(
      `(attribute_not_exists(${assignee()}) OR ${assignee()} = ${expression.value(guard.assigneeFreeFor)})`,
    );
  }
  if (guard.assigneeIs) conditions.push(`${assignee()} = ${expression.value(guard.assigneeIs)}`);
  if (guard.takeoverFrom) conditions.push(`${assignee()} = ${expression.value(guard.takeoverFrom)}`);
  if (guard.awaitsFirstClientMessage) {
    conditions.push(`attribute_exists(${expression.name('awaitsFirstClientMessage')})`);
  }
  if (guard.statusIs) conditions.push(`${expression.name('status')} = ${expression.value(guard.statusIs)}`);
  return conditions;
}

/**
 * The one update of a numbered write. `held` says whether the conversation keeps its expiry off after
 * it: a write with an event to deliver always does (it makes the conversation due) and removes the
 * expiry; any other write renews the expiry only on a conversation that holds nothing, and states what
 * it assumed as a condition (`checksHold`), so that a refusal tells the caller to go again the other way.
 */
function numberedUpdate(db: Db, conversationId: string, write: ConversationWrite, held: boolean) {
  const expression = new Expression();
  const lastWriteId = expression.name('lastWriteId');
  const token = expression.value(write.writeId);
  const conditions = [
    'attribute_exists(pk)',
    `${expression.name('status')} <> ${expression.value('closed')}`,
    `(attribute_not_exists(${lastWriteId}) OR ${lastWriteId} <> ${token})`,
  ];
  const lastSeq = expression.name('lastSeq');
  let numbered: string;
  if (write.expectLastSeq !== undefined) {
    conditions.push(`${lastSeq} = ${expression.value(write.expectLastSeq)}`);
    numbered = expression.value(write.expectLastSeq + write.entries);
  } else {
    numbered = `if_not_exists(${lastSeq}, ${expression.value(0)}) + ${expression.value(write.entries)}`;
  }
  // Operands read the item as it was, so both get the new counter: lastWriteSeq recalls where this write ended.
  expression.set(
    `${lastSeq} = ${numbered}`,
    `${expression.name('lastWriteSeq')} = ${numbered}`,
    `${lastWriteId} = ${token}`,
  );
  if (write.intent) expression.set(`${expression.name('intent')} = ${expression.value(write.intent)}`);
  if (write.entries > 0) {
    expression.set(`${expression.name('lastMessageAt')} = ${expression.value(write.at)}`);
  }
  const { expiresAt } = expiry(db, write.at);
  const checksHold = expiresAt !== undefined && write.outbox !== true;
  if (expiresAt !== undefined) {
    const expires = expression.name('expiresAt');
    if (held) expression.remove(expires);
    else expression.set(`${expires} = ${expression.value(expiresAt)}`);
    if (checksHold) {
      const holds = `(attribute_exists(gsi1pk) OR attribute_exists(${expression.name('failedEvents')}))`;
      conditions.push(held ? holds : `NOT ${holds}`);
    }
  }
  const { prechat, rest: fields } = withoutPrechat(write.set ?? {});
  expression.assign(fields);
  if (write.replyOnce) {
    const field = expression.name(write.replyOnce.field);
    const key = expression.value(write.replyOnce.key);
    conditions.push(`(attribute_not_exists(${field}) OR ${field} <> ${key})`);
    expression.set(`${field} = ${key}`);
  }
  if (write.firstResponse) {
    const first = expression.name('firstResponseAt');
    expression.set(`${first} = if_not_exists(${first}, ${expression.value(write.at)})`);
  }
  const { status, destinationId } = write.set ?? {};
  if (status !== undefined || destinationId !== undefined) {
    // The queue key names status and destination; the write states both, checked against the item.
    const queue = write.queue;
    if (!queue) throw new Error('a status or destination change needs the queue it lands in');
    const { gsi2pk, gsi2sk } = queueKeys({ ...queue, conversationId });
    expression.set(`gsi2pk = ${expression.value(gsi2pk)}`, `gsi2sk = ${expression.value(gsi2sk)}`);
    if (destinationId === undefined) {
      conditions.push(`${expression.name('destinationId')} = ${expression.value(queue.destinationId)}`);
    }
  }
  if (write.outbox) {
    const due = keys.dueState(conversationId, write.at);
    expression.set(
      `gsi1pk = if_not_exists(gsi1pk, ${expression.value(due.gsi1pk)})`,
      `gsi1sk = if_not_exists(gsi1sk, ${expression.value(due.gsi1sk)})`,
    );
  }
  conditions.push(...guardConditions(expression, write.guard));
  return {
    prechat,
    checksHold,
    input: {
      TableName: db.tableName,
      Key: keys.conversation(conversationId),
      ConditionExpression: conditions.join(' AND '),
      ...expression.params(),
    },
  };
}

export function numberedWrites(db: Db): Pick<ConversationsPort, 'create' | 'write' | 'catchUpCounter'> {
  return {
    async create(conversation, { writeId, intent, outbox }) {
      const { prechat, rest } = withoutPrechat(conversation);
      // The pre-chat item first: a conversation item never names pre-chat data that is not there yet.
      const empty = Object.values(prechat ?? {}).every((field) => Object.keys(field).length === 0);
      if (prechat && !empty) await putPrechat(db, conversation.conversationId, prechat);
      const created = await landed(
        db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: {
              ...rest,
              lastSeq: intent.length,
              lastWriteId: writeId,
              lastWriteSeq: intent.length,
              ...(intent.length > 0 && { intent }),
              ...keys.conversation(conversation.conversationId),
              ...queueKeys(conversation),
              // With an event to deliver it is due at once, and keeps no expiry until the deliverer is done.
              ...(outbox
                ? keys.dueState(conversation.conversationId, conversation.createdAt)
                : expiry(db, conversation.createdAt)),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (created) return true;
      // Refused: another request created it, or this one did and the SDK sent it again.
      return (await readItem(db, conversation.conversationId))?.lastWriteId === writeId;
    },

    async write(conversationId, write: ConversationWrite): Promise<WriteResult> {
      // Most writes find nothing held; one that guessed wrong learns it from the refusal and goes again.
      let held = write.outbox === true;
      let update = numberedUpdate(db, conversationId, write, held);
      if (update.prechat) {
        // Replaced before the update: a crash between leaves new pre-chat data that the caller's retry writes again.
        await putPrechat(db, conversationId, update.prechat);
      }
      for (let tries = 0; ; tries++) {
        try {
          const { Attributes } = await db.doc.send(
            new UpdateCommand({ ...update.input, ReturnValues: 'ALL_NEW' }),
          );
          const conversation = toConversation(Attributes) as ConversationState;
          return { ok: true, conversation, firstSeq: conversation.lastSeq - write.entries + 1 };
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          const item = await readItem(db, conversationId);
          if (item?.lastWriteId === write.writeId) {
            // This very write landed before (the SDK sent it again after an error): answer as it would have.
            const conversation = toConversation(item) as ConversationState;
            return { ok: true, conversation, firstSeq: (item.lastWriteSeq as number) - write.entries + 1 };
          }
          const refusedForHold = item && update.checksHold && holdsExpiry(item) !== held;
          if (!refusedForHold || tries >= 2)
            return { ok: false, current: await getConversation(db, conversationId) };
          held = holdsExpiry(item);
          update = numberedUpdate(db, conversationId, write, held);
        }
      }
    },

    async catchUpCounter(conversationId) {
      const { pk, skPrefix } = keys.messages(conversationId);
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
          ProjectionExpression: 'sk',
        }),
      );
      const last = Items[0] ? seqOfSortKey(Items[0].sk as string) : 0;
      await landed(
        db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.conversation(conversationId),
            UpdateExpression: 'SET lastSeq = :last',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(lastSeq) OR lastSeq < :last)',
            ExpressionAttributeValues: { ':last': last },
          }),
        ),
      );
    },
  };
}
