import { type AgentApi, agentApi, type Conversation, type FileLink } from '../api.ts';
import { startLiveUpdates } from '../live.ts';
import { apiBase, forgetSession, rememberedOnline, rememberOnline } from '../session.ts';
import { type Action, errorText, refusalText, unauthorized } from './error-text.ts';
import { outgoingOf, withError, without, withSending } from './outgoing.ts';
import { PresenceKeeper } from './presence.ts';
import { lastWritten, previewText, stalePreviews } from './previews.ts';
import { documentTitle } from './queue-views.ts';
import { RefreshLoop } from './refresh-loop.ts';
import { type DeskState, initialDeskState, type Outgoing, type View } from './state.ts';
import { newlyWaiting, notifyWaiting } from './waiting-notifications.ts';

/** Closed conversations only grow: the console reads at most this many pages of 200 of them. */
const closedPages = 5;

/**
 * Everything the console shows and does, for one signed-in agent: the queue, the open conversation,
 * presence with its heartbeat, and live updates. Components read `state` and call the methods.
 */
export class Desk {
  state: DeskState = initialDeskState;
  private readonly listeners = new Set<() => void>();
  private readonly api: AgentApi;
  private readonly presence: PresenceKeeper;
  private readonly refreshes = new RefreshLoop(({ transcript }) =>
    Promise.all([this.loadQueue(), transcript ? this.loadTranscript() : undefined]).then(() => undefined),
  );
  private stopLive: (() => void) | undefined;
  private seenWaiting: Set<string> | undefined;
  private stopped = false;
  private ended = false;
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
    this.presence = new PresenceKeeper(this.api, {
      confirmed: (presence, turned) => {
        this.set({ online: presence.online, presenceError: undefined });
        // Whether DialogStudio sees a group online may have turned with this agent's own presence.
        if (turned) this.loadDestinations();
      },
      failed: (error) => this.set({ presenceError: `Presence not saved: ${errorText(error)}` }),
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(change: Partial<DeskState>) {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
    document.title = documentTitle(this.state.open);
  }

  async start() {
    try {
      const me = await this.api.me();
      this.set({ me, online: me.online });
    } catch (error) {
      if (!unauthorized(error)) this.set({ loadError: errorText(error) });
      return;
    }
    addEventListener('pagehide', this.onPageHide);
    const online = rememberedOnline() ?? this.state.online;
    if (online || this.state.online) void this.setOnline(online);
    this.loadDestinations();
    this.loadCannedReplies();
    await this.refresh();
    if (this.stopped) return;
    this.stopLive = startLiveUpdates(this.api, {
      changed: (conversationId) =>
        void this.refresh({
          transcript: conversationId === undefined || conversationId === this.state.selectedId,
        }),
      catchUp: () => {
        this.loadDestinations();
        this.loadCannedReplies();
        void this.refresh();
      },
      state: (live) => this.set({ live }),
    });
  }

  /** Stops the heartbeat and live updates: the console is going away. */
  stop() {
    this.stopped = true;
    this.presence.stop();
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

  /** The groups and whether DialogStudio sees each online; kept as they were if the API has no answer. */
  private loadDestinations() {
    void this.api.destinations().then(
      (destinations) => this.set({ destinations }),
      () => undefined,
    );
  }

  /** Once per session and on each live reconnect (no notification tells of a new one); kept if the API has no answer. */
  private loadCannedReplies() {
    void this.api.cannedReplies().then(
      (cannedReplies) => this.set({ cannedReplies }),
      () => undefined,
    );
  }

  /** Online keeps the heartbeat going (and survives a reload of this tab); away sends nothing more. */
  setOnline(online: boolean): Promise<void> {
    rememberOnline(online);
    return this.presence.set(online);
  }

  /** Refetches the queue (and the open transcript); calls that come in meanwhile are folded into one more pass. */
  refresh(options: { transcript: boolean } = { transcript: true }): Promise<void> {
    return this.refreshes.request(options);
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
      this.set({ queueError: errorText(error) });
    }
  }

  /** A desktop notification for each conversation that started waiting since the last look. */
  private notifyNewWaiting(open: Conversation[]) {
    const { fresh, seen } = newlyWaiting(this.seenWaiting, open);
    this.seenWaiting = seen;
    for (const conversation of fresh)
      notifyWaiting(conversation, () => this.select(conversation.conversationId));
  }

  /** The queue shows each open conversation's last message, read again only when it changed. */
  private async loadPreviews(open: Conversation[]) {
    for (const conversation of stalePreviews(open, this.state.previews)) {
      try {
        const messages = await this.api.messages(conversation.conversationId);
        const preview = { at: conversation.lastMessageAt, text: previewText(lastWritten(messages)) };
        this.set({ previews: { ...this.state.previews, [conversation.conversationId]: preview } });
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
      if (this.state.selectedId === conversationId) this.set({ messagesError: errorText(error) });
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

  /** Runs an action, then refreshes; a refusal reads as a plain sentence. */
  private async act(name: Action, action: () => Promise<unknown>) {
    try {
      await action();
      this.set({ notice: undefined });
    } catch (error) {
      if (unauthorized(error)) return;
      this.set({ notice: refusalText(name, error) });
    }
    await this.refresh();
  }

  accept(conversationId: string) {
    return this.act('accept', async () => {
      await this.api.accept(conversationId);
      this.set({ view: 'mine' });
    });
  }

  close(conversationId: string) {
    return this.act('close', () => this.api.close(conversationId));
  }

  transfer(conversationId: string, destinationId: string) {
    return this.act('transfer', () => this.api.transfer(conversationId, destinationId));
  }

  retry(conversationId: string, messageId: string) {
    return this.act('retry', () => this.api.retry(conversationId, messageId));
  }

  /** Sends, or sends again with the same Idempotency-Key, so a retried request never doubles a message. */
  async send(conversationId: string, content: { text: string } | FileLink, again?: Outgoing) {
    const item = outgoingOf(conversationId, content, again);
    this.set({ outgoing: withSending(this.state.outgoing, item) });
    try {
      await this.api.send(conversationId, content, item.key);
      await this.refresh();
      this.set({ outgoing: without(this.state.outgoing, item.key) });
    } catch (error) {
      if (unauthorized(error)) return;
      this.set({ outgoing: withError(this.state.outgoing, item.key, errorText(error)) });
    }
  }

  discard(key: string) {
    this.set({ outgoing: without(this.state.outgoing, key) });
  }
}
