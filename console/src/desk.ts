import {
  type AgentApi,
  ApiError,
  agentApi,
  type Conversation,
  type Destination,
  type FileLink,
  type Me,
  type Message,
} from './api.ts';
import { type LiveState, startLiveUpdates } from './live.ts';
import { apiBase, forgetSession, rememberedOnline, rememberOnline } from './session.ts';

export type View = 'waiting' | 'mine' | 'closed';

/** An agent message on its way: shown as "sending" until the transcript has it. */
export interface Outgoing {
  key: string;
  conversationId: string;
  content: { text: string } | FileLink;
  error?: string;
}

export interface DeskState {
  me?: Me;
  loadError?: string;
  online: boolean;
  presenceError?: string;
  live: LiveState;
  queueLoaded: boolean;
  queueError?: string;
  open: Conversation[];
  closed: Conversation[];
  closedMore: boolean;
  /** The last message of each open conversation, by conversation id, with the time it was read at. */
  previews: Record<string, { at: string; text: string }>;
  /** Groups and agents to transfer to, with online state; undefined when the API does not list them. */
  destinations?: Destination[];
  view: View;
  destinationFilter: string;
  selectedId?: string;
  messages: Message[];
  messagesFor?: string;
  messagesError?: string;
  outgoing: Outgoing[];
  /** A plain sentence for the agent, such as "Another agent took it". */
  notice?: string;
}

const initial: DeskState = {
  online: false,
  live: 'connecting',
  queueLoaded: false,
  open: [],
  closed: [],
  closedMore: false,
  previews: {},
  view: 'waiting',
  destinationFilter: '',
  messages: [],
  outgoing: [],
};

/** Closed conversations only grow: the console reads at most this many pages of 200 of them. */
const closedPages = 5;

/** An Idempotency-Key; `crypto.randomUUID` exists only in secure contexts, and a LAN address over http is not one. */
function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'The server cannot be reached. Check the connection and try again.';
}

function previewOf(message: Message | undefined): string {
  if (!message) return '';
  if (message.type === 'file') return `File: ${message.name ?? message.url ?? ''}`;
  return message.text ?? '';
}

export function inView(conversation: Conversation, view: View, me: Me | undefined): boolean {
  if (view === 'waiting') return conversation.status === 'waiting';
  if (view === 'mine') return conversation.status === 'active' && conversation.assignee === me?.employeeId;
  return conversation.status === 'closed';
}

/**
 * Everything the console shows and does, for one signed-in agent: the queue, the open conversation,
 * presence with its heartbeat, and live updates. Components read `state` and call the methods.
 */
export class Desk {
  state: DeskState = initial;
  private readonly listeners = new Set<() => void>();
  private readonly api: AgentApi;
  private heartbeat: ReturnType<typeof setTimeout> | undefined;
  private stopLive: (() => void) | undefined;
  private seenWaiting: Set<string> | undefined;
  private stopped = false;
  private ended = false;
  /** Counts presence changes, so that the answer to an older one schedules no heartbeat. */
  private presenceChanges = 0;
  private refreshing: Promise<void> | undefined;
  /** What the next pass of `refresh` must reload: requests that come in meanwhile are folded into it. */
  private wanted: { queue: boolean; transcript: boolean } = { queue: false, transcript: false };
  private readonly onPageHide = () => {
    if (this.state.online) this.api.leaveOnUnload();
  };

  constructor(
    token: string,
    private readonly signedOut: (reason: string) => void,
  ) {
    this.api = agentApi(apiBase(), token, () =>
      this.end('Your session ended: the token was revoked or replaced. Sign in again with a new link.'),
    );
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(change: Partial<DeskState>) {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
    this.updateTitle();
  }

  private updateTitle() {
    const waiting = this.state.open.filter((conversation) => conversation.status === 'waiting').length;
    document.title = `${waiting > 0 ? `(${waiting}) ` : ''}Agent console · Operator Bridge`;
  }

  async start() {
    try {
      const me = await this.api.me();
      this.set({ me, online: me.online });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) this.set({ loadError: messageOf(error) });
      return;
    }
    addEventListener('pagehide', this.onPageHide);
    const online = rememberedOnline() ?? this.state.online;
    if (online || this.state.online) void this.setOnline(online);
    this.loadDestinations();
    await this.refresh();
    if (this.stopped) return;
    this.stopLive = startLiveUpdates(this.api, {
      changed: (conversationId) => this.changed(conversationId),
      catchUp: () => {
        this.loadDestinations();
        void this.refresh();
      },
      state: (live) => this.set({ live }),
    });
  }

  /** Stops the heartbeat and live updates: the console is going away. */
  stop() {
    this.stopped = true;
    clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
    this.stopLive?.();
    this.stopLive = undefined;
    removeEventListener('pagehide', this.onPageHide);
  }

  /** Sign-out, or a revoked token: stops, forgets the token, and shows the sign-in form with the reason. */
  end(reason = '') {
    if (this.ended) return;
    this.ended = true;
    this.stop();
    forgetSession();
    this.signedOut(reason);
  }

  async signOut() {
    const wasOnline = this.state.online;
    this.stop();
    if (wasOnline) await this.api.setPresence(false).catch(() => undefined);
    this.end();
  }

  /** The presence the API last confirmed: a change of it may change what DialogStudio sees. */
  private confirmedOnline: boolean | undefined;

  /** The groups and whether DialogStudio sees each online; kept as it was if the API has no answer. */
  private loadDestinations() {
    void this.api.destinations().then(
      (destinations) => this.set({ destinations }),
      () => undefined,
    );
  }

  /** Online keeps the heartbeat going at the interval the API asks for; away sends nothing more. */
  async setOnline(online: boolean) {
    clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
    rememberOnline(online);
    const change = ++this.presenceChanges;
    try {
      const presence = await this.api.setPresence(online);
      if (change !== this.presenceChanges) return;
      const changed = presence.online !== this.confirmedOnline;
      this.confirmedOnline = presence.online;
      this.set({ online: presence.online, presenceError: undefined });
      // Whether DialogStudio sees a group online may have turned with this agent's own presence.
      if (changed) this.loadDestinations();
      if (presence.online && !this.stopped) {
        this.heartbeat = setTimeout(() => void this.setOnline(true), presence.heartbeatSeconds * 1000);
      }
    } catch (error) {
      if (change !== this.presenceChanges) return;
      this.set({ presenceError: `Presence not saved: ${messageOf(error)}` });
      if (online && !this.stopped) this.heartbeat = setTimeout(() => void this.setOnline(true), 10_000);
    }
  }

  private changed(conversationId: string | undefined) {
    void this.refresh({
      transcript: conversationId === undefined || conversationId === this.state.selectedId,
    });
  }

  /** Refetches the queue (and the open transcript); calls that come in meanwhile are folded into one more pass. */
  refresh(options: { transcript: boolean } = { transcript: true }): Promise<void> {
    this.wanted = { queue: true, transcript: this.wanted.transcript || options.transcript };
    this.refreshing ??= (async () => {
      while (this.wanted.queue) {
        const { transcript } = this.wanted;
        this.wanted = { queue: false, transcript: false };
        await Promise.all([this.loadQueue(), transcript ? this.loadTranscript() : undefined]);
      }
    })().finally(() => {
      this.refreshing = undefined;
      if (this.wanted.queue) void this.refresh({ transcript: this.wanted.transcript });
    });
    return this.refreshing;
  }

  /**
   * The open conversations every time; the closed ones, which only grow, on the first load, while the
   * Closed view is shown, and when a conversation left the open ones.
   */
  private async loadQueue() {
    try {
      const open = await this.api.conversations();
      const openIds = new Set(open.map((conversation) => conversation.conversationId));
      const left = this.state.open.some((conversation) => !openIds.has(conversation.conversationId));
      const closed =
        !this.state.queueLoaded || left || this.state.view === 'closed'
          ? await this.api.someConversations('closed', closedPages)
          : undefined;
      this.notifyNewWaiting(open);
      this.set({
        open,
        ...(closed && { closed: closed.conversations.reverse(), closedMore: closed.more }),
        queueLoaded: true,
        queueError: undefined,
      });
      void this.loadPreviews(open);
    } catch (error) {
      this.set({ queueError: messageOf(error) });
    }
  }

  /** A desktop notification for each conversation that started waiting since the last look. */
  private notifyNewWaiting(open: Conversation[]) {
    const waiting = open.filter((conversation) => conversation.status === 'waiting');
    const seen = this.seenWaiting;
    this.seenWaiting = new Set(waiting.map((conversation) => conversation.conversationId));
    if (!seen || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    for (const conversation of waiting) {
      if (seen.has(conversation.conversationId)) continue;
      try {
        const notification = new Notification(`${conversation.userName} is waiting`, {
          body: `New conversation in ${conversation.destinationId}`,
          tag: conversation.conversationId,
        });
        notification.onclick = () => {
          focus();
          this.select(conversation.conversationId);
        };
      } catch {
        // Some browsers (Chrome on Android) show notifications only through a service worker: the title badge remains.
      }
    }
  }

  /** The queue shows each open conversation's last message; read again only when it changed. */
  private async loadPreviews(open: Conversation[]) {
    const stale = open.filter(
      (conversation) => this.state.previews[conversation.conversationId]?.at !== conversation.lastMessageAt,
    );
    for (const conversation of stale.slice(0, 50)) {
      try {
        const messages = await this.api.messages(conversation.conversationId);
        const last = [...messages].reverse().find((message) => message.from !== 'system');
        this.set({
          previews: {
            ...this.state.previews,
            [conversation.conversationId]: { at: conversation.lastMessageAt, text: previewOf(last) },
          },
        });
      } catch {
        return;
      }
    }
  }

  private async loadTranscript() {
    const conversationId = this.state.selectedId;
    if (!conversationId) return;
    try {
      const messages = await this.api.messages(conversationId);
      if (this.state.selectedId !== conversationId) return;
      this.set({ messages, messagesFor: conversationId, messagesError: undefined });
    } catch (error) {
      if (this.state.selectedId === conversationId) this.set({ messagesError: messageOf(error) });
    }
  }

  selected(): Conversation | undefined {
    const { selectedId, open, closed } = this.state;
    return [...open, ...closed].find((conversation) => conversation.conversationId === selectedId);
  }

  setView(view: View) {
    this.set({ view });
    if (view === 'closed') void this.refresh({ transcript: false });
  }

  setDestinationFilter(destinationFilter: string) {
    this.set({ destinationFilter });
  }

  dismissNotice() {
    this.set({ notice: undefined });
  }

  select(conversationId: string | undefined) {
    if (conversationId === this.state.selectedId) return;
    this.set({ selectedId: conversationId, messages: [], messagesFor: undefined, messagesError: undefined });
    void this.loadTranscript();
  }

  private async act(action: () => Promise<unknown>, conflict: Record<string, string> = {}) {
    try {
      await action();
      this.set({ notice: undefined });
    } catch (error) {
      const code = error instanceof ApiError ? error.code : '';
      if (error instanceof ApiError && error.status === 401) return;
      this.set({ notice: conflict[code] ?? messageOf(error) });
    }
    await this.refresh();
  }

  accept(conversationId: string) {
    return this.act(
      async () => {
        await this.api.accept(conversationId);
        this.set({ view: 'mine' });
      },
      { assigned_to_other: 'Another agent took it.', conversation_closed: 'This conversation was closed.' },
    );
  }

  close(conversationId: string) {
    return this.act(() => this.api.close(conversationId), {
      assigned_to_other: 'Another agent took it, so only they can close it.',
      conversation_closed: 'This conversation is already closed.',
    });
  }

  transfer(conversationId: string, destinationId: string) {
    return this.act(
      async () => {
        await this.api.transfer(conversationId, destinationId);
        this.set({ notice: undefined });
      },
      { assigned_to_other: 'Another agent took it, so only they can transfer it.' },
    );
  }

  retry(conversationId: string, messageId: string) {
    return this.act(() => this.api.retry(conversationId, messageId), {
      not_failed: 'That message is no longer failed.',
    });
  }

  /** Sends, or sends again with the same Idempotency-Key, so a retried request never doubles a message. */
  async send(conversationId: string, content: { text: string } | FileLink, again?: Outgoing) {
    const item: Outgoing = again ?? { key: newIdempotencyKey(), conversationId, content };
    this.set({
      outgoing: [
        ...this.state.outgoing.filter((other) => other.key !== item.key),
        { ...item, error: undefined },
      ],
    });
    try {
      await this.api.send(conversationId, content, item.key);
      await this.refresh();
      this.set({ outgoing: this.state.outgoing.filter((other) => other.key !== item.key) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return;
      this.set({
        outgoing: this.state.outgoing.map((other) =>
          other.key === item.key ? { ...other, error: messageOf(error) } : other,
        ),
      });
    }
  }

  discard(key: string) {
    this.set({ outgoing: this.state.outgoing.filter((item) => item.key !== key) });
  }
}
