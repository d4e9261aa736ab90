import type { Agent, CannedReply, Channel, Destination } from '#domain/directory/model.ts';

/** Records the directory keeps by id; the store answers with facts, the domain turns them into errors. */
export interface RecordsPort<T, Id extends keyof T> {
  get(id: string): Promise<T | undefined>;
  list(): Promise<T[]>;
  /** False when a record with this id exists already. */
  create(record: T): Promise<boolean>;
  /** Sets some fields (a field set to `undefined` is removed); false when the record is gone. */
  update(id: string, changes: Partial<Omit<T, Id>>): Promise<boolean>;
}

/** Who holds an id of the namespace that agents and destinations share; a removed destination keeps its id. */
export interface IdHolder {
  kind: 'agent' | 'destination';
  reservedAt: string;
  removedAt?: string;
}

/** Channels, agent groups and agents. */
export interface DirectoryPort {
  channels: RecordsPort<Channel, 'channelId'>;
  destinations: RecordsPort<Destination, 'destinationId'> & {
    /** Deletes the record and marks its id removed, so that it stays reserved. */
    remove(destinationId: string, at: string): Promise<void>;
  };
  agents: RecordsPort<Agent, 'employeeId'>;
  /**
   * A channel's agent-platform signing secret, in an item of its own that only the functions that sign
   * with it may read (a channel set up by an older version still carries it on the channel item).
   */
  channelSecrets: {
    platformSecret(channel: Channel): Promise<string | undefined>;
    /** Stores a new secret, or removes it when `secret` is undefined. */
    setPlatformSecret(channelId: string, secret: string | undefined): Promise<void>;
  };
  cannedReplies: {
    /** Those of one destination, or of all; in no particular order. */
    list(destinationId?: string): Promise<CannedReply[]>;
    /** False when its destination has a reply with this shortcut already. */
    create(reply: CannedReply): Promise<boolean>;
    /** False when no reply has this id. */
    remove(replyId: string): Promise<boolean>;
  };
  /** Reserves `id` for good, unless someone holds it already: answers the holder, which is `kind` when the id was free. */
  reserveId(id: string, kind: IdHolder['kind'], at: string): Promise<IdHolder>;
  /** Who holds `id`, if anyone (ids taken before reservations existed have no holder here). */
  idHolder(id: string): Promise<IdHolder | undefined>;
}
