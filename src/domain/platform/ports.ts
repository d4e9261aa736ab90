import type { NewEntry } from '#domain/conversations/writes.ts';
import type { Agent, Channel } from '#domain/directory/model.ts';

/**
 * The bot platform that handed the conversation over (DialogStudio today): what a use case tells the
 * client through it, in the platform's own words. A use case asks for "a text from this sender" and
 * writes the event it gets back; only the platform's folder knows the bodies on its wire, so a second
 * platform is a second folder beside `dialogstudio/` and a choice in the composition root.
 */
export interface BotPlatform {
  /** The agent as the platform shows it to the client (and as `GET /agent/me` shows it to the agent). */
  senderOf(agent: Agent): Sender;
  /** The channel's own sender, for the bridge's automatic replies: its reserved `employee` id, name and avatar. */
  systemSender(channel: Pick<Channel, 'name' | 'systemName' | 'systemAvatarUrl'>): Sender;
  /** An agent's text to the client. */
  text(sender: Sender, text: string): PlatformEvent;
  /** An agent's file link to the client. */
  file(sender: Sender, file: SentFile): PlatformEvent;
  /** The conversation is over: the platform hands the client back to the bot. */
  closed(sender: Sender): PlatformEvent;
  /** The conversation moved to another destination. */
  destinationSelected(sender: Sender, destination: SelectedDestination): PlatformEvent;
  /** Whether a stored event body is the close: once the conversation is closed, only it may still go out. */
  isClosed(body: Record<string, unknown>): boolean;
}

/** Who writes, as the client sees it: every field a string, none missing. */
export interface Sender {
  employeeId: string;
  firstName: string;
  lastName: string;
  avatarUrl: string;
}

export interface SentFile {
  url: string;
  name: string;
  size: number;
  comment: string;
}

export interface SelectedDestination {
  destinationId: string;
  name: string;
  hasOnline: boolean;
}

/** The event an entry carries to the platform; its body is built once the entry's id and conversation are known. */
export type PlatformEvent = NonNullable<NewEntry['event']>;
