import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Wired } from '#deps';
import type { Db } from '#store/table.ts';
import type { Scenario, StreamFate } from './model.ts';
import { Crash, type World } from './world.ts';

/**
 * DynamoDB's TTL as an actor of the world: it deletes items whose expiry has passed, each some time
 * after it (DynamoDB gives no bound; up to days), only if the item is still expired at that moment (a
 * write that moved or removed the expiry wins), and tells the stream of each conversation item it
 * removed. Those REMOVE records meet the same fates as the others: delivered, twice, late, replayed,
 * or never. The retention handler runs them over the faulty store, as the stream's Lambda does.
 */

/** RETENTION_DAYS of the simulated deployment: the least the configuration allows. */
export const SIM_RETENTION_DAYS = 2;
const DAY_MS = 86_400_000;

/** A number from the seed and a label, so a replay picks the same lags and fates. */
function derived(scenario: Scenario, label: string): number {
  let hash = scenario.faultSeed ^ 0x27d4eb2f;
  for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
  return (hash ^ (hash >>> 13)) >>> 0;
}

/** How far the clock jumps before a TTL moment: past the retention, and up to three days more. */
export function ttlJumpMs(scenario: Scenario, moment: string): number {
  return SIM_RETENTION_DAYS * DAY_MS + (derived(scenario, `jump ${moment}`) % (3 * DAY_MS));
}

const fates: StreamFate[] = ['now', 'now', 'now', 'twice', 'late', 'replay', 'drop', 'drop'];

type Item = Record<string, unknown> & { pk: string; sk: string };
type Violate = (invariant: string, detail: string) => void;

export class Ttl {
  /** REMOVE records of conversation items, in the order TTL removed them. */
  private readonly removed: Item[] = [];
  private readonly late: Item[] = [];
  /** Conversations whose item TTL removed at least once. */
  readonly expired = new Set<string>();

  constructor(
    private readonly world: World,
    private readonly scenario: Scenario,
    private readonly clean: Db,
    private readonly deps: Wired,
    private readonly violate: Violate,
  ) {}

  /** One TTL moment, as an actor: each expired item is deleted after a lag of its own (up to two days). */
  sweep(moment: string): Promise<void> {
    return this.world.spawn(`ttl ${moment}`, async () => {
      const items = await scanAll(this.clean);
      for (const item of items) {
        if (typeof item.expiresAt !== 'number') continue;
        const lag = derived(this.scenario, `lag ${moment} ${item.pk} ${item.sk}`) % (2 * DAY_MS);
        if (item.expiresAt * 1000 + lag > this.world.clock) continue;
        await this.world.gate(`TTL ${item.pk}|${item.sk.replace(/^WAKE#.*/, 'WAKE#')}`);
        const old = await this.deleteIfExpired(item);
        if (old?.sk === 'META') await this.removedConversation(old);
      }
    });
  }

  private async deleteIfExpired(item: Item): Promise<Item | undefined> {
    try {
      const { Attributes } = await this.clean.doc.send(
        new DeleteCommand({
          TableName: this.clean.tableName,
          Key: { pk: item.pk, sk: item.sk },
          ConditionExpression: 'expiresAt <= :now',
          ExpressionAttributeValues: { ':now': Math.floor(this.world.clock / 1000) },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes as Item | undefined;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  /** The design's invariant at the moment of removal: nothing of an expiring conversation is still to go out. */
  private async removedConversation(old: Item) {
    const conversationId = String(old.conversationId);
    this.expired.add(conversationId);
    const held = old.gsi1pk !== undefined || old.failedEvents !== undefined;
    const undelivered = (await scanAll(this.clean)).filter((item) => {
      const status = (item.delivery as { status?: string } | undefined)?.status;
      return item.pk === old.pk && (status === 'pending' || status === 'failed');
    });
    if (held || undelivered.length > 0)
      this.violate(
        'TTL removes no conversation with an event pending or failed',
        `${conversationId} expired ${held ? 'with a head or failed count' : 'without a head or failed count'}, holding ${undelivered.map((item) => `${item.sk} ${(item.delivery as { status: string }).status}`).join(', ')}`,
      );
    this.removed.push(old);
  }

  /** The stream's REMOVE records, each to the retention handler (retried on error, as the event source mapping does). */
  deliverRecords(): void {
    while (this.removed.length > 0) {
      const record = this.removed.shift() as Item;
      const fate = fates[derived(this.scenario, `fate ${record.pk} ${this.world.clock}`) % fates.length];
      if (fate === 'drop') continue;
      if (fate === 'late') {
        this.late.push(record);
        continue;
      }
      this.retention(record, 'stream');
      if (fate === 'twice' || fate === 'replay') this.retention(record, 'stream again');
    }
  }

  /** Records held back: they arrive now. */
  deliverLate(): void {
    for (const record of this.late.splice(0)) this.retention(record, 'late stream');
  }

  private retention(record: Item, why: string) {
    void this.world.spawn(
      `retention(${why}) ${String(record.conversationId).replace(/^cv_/, '')}`,
      async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            await this.deps.store.retention.expired(record, this.deps.now());
            return;
          } catch (error) {
            if (error instanceof Crash) throw error;
          }
        }
      },
    );
  }
}

/**
 * The promise retention must keep, checked after the last TTL moment: a failed event is still listed
 * with its conversation (its retry would not answer 404), and no pending event lost its conversation.
 */
export function checkNothingStranded(items: Item[], violate: Violate) {
  const conversations = new Set(items.filter((item) => item.sk === 'META').map((item) => item.pk));
  for (const item of items) {
    const status = (item.delivery as { status?: string } | undefined)?.status;
    if (conversations.has(item.pk)) continue;
    if (status === 'failed')
      violate('no listed failed event whose retry answers 404', `${item.id} failed, its conversation gone`);
    if (status === 'pending')
      violate('nothing pending stranded', `${item.id} pending, its conversation gone`);
  }
}

export async function scanAll<T extends Item = Item>(db: Db): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new ScanCommand({ TableName: db.tableName, ExclusiveStartKey }));
    items.push(...((page.Items ?? []) as T[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
