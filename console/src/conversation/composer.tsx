import { useEffect, useRef, useState } from 'preact/hooks';
import { fillPlaceholders } from '#api/placeholders.ts';
import type { CannedReply, Conversation } from '../api.ts';
import type { Desk } from '../desk/desk.ts';
import { CannedReplyList } from './canned-reply-list.tsx';
import { cannedQuery, searchCannedReplies } from './canned-search.ts';
import { FileLinkForm } from './file-link-form.tsx';

const cannedListId = 'canned-replies';

/**
 * The reply box (Enter sends, Shift+Enter breaks the line) or the file-link form, for the conversation's
 * assignee. `/` at the start lists the canned replies by shortcut or title: the arrow keys choose, Enter
 * puts the reply in the box with its placeholders filled, to edit before sending; Escape closes the list.
 */
export function Composer({
  desk,
  conversation,
  mine,
}: {
  desk: Desk;
  conversation: Conversation;
  mine: boolean;
}) {
  const [text, setText] = useState('');
  const [fileMode, setFileMode] = useState(false);
  const [active, setActive] = useState(0);
  const [listClosed, setListClosed] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const id = conversation.conversationId;
  useEffect(() => {
    setText('');
    setFileMode(false);
    setListClosed(false);
  }, [id]);
  // Accepting moves the keyboard to the reply box.
  useEffect(() => {
    if (mine) input.current?.focus();
  }, [mine, id]);
  if (conversation.status === 'closed') return <p class="composer-note">This conversation is closed.</p>;
  if (!mine) {
    return (
      <p class="composer-note">
        {conversation.status === 'waiting'
          ? 'Accept the conversation to reply.'
          : 'Another agent is handling this conversation.'}
      </p>
    );
  }
  if (fileMode) {
    return (
      <FileLinkForm
        onSend={(link) => {
          void desk.send(id, link);
          setFileMode(false);
        }}
        onCancel={() => setFileMode(false)}
      />
    );
  }
  const query = listClosed ? undefined : cannedQuery(text);
  const matches = query === undefined ? [] : searchCannedReplies(desk.state.cannedReplies, query);
  const listOpen = query !== undefined && desk.state.cannedReplies.length > 0;
  const chosen = Math.min(active, Math.max(0, matches.length - 1));
  const edit = (value: string) => {
    setText(value);
    setActive(0);
    // Escape holds until the `/` is gone.
    if (cannedQuery(value) === undefined) setListClosed(false);
  };
  const insert = (reply: CannedReply) => {
    const filled = fillPlaceholders(reply.text, {
      userName: conversation.userName,
      attributes: conversation.attributes,
      agentFirstName: desk.state.me?.firstName ?? '',
    });
    setText(filled);
    setListClosed(cannedQuery(filled) !== undefined);
    const box = input.current;
    if (box) {
      box.focus();
      // After Preact has put the text in: the caret at its end, ready to edit.
      requestAnimationFrame(() => box.setSelectionRange(filled.length, filled.length));
    }
  };
  /** The list's keys; true when the key was the list's. */
  const listKey = (key: string): boolean => {
    if (!listOpen) return false;
    if (key === 'Escape') setListClosed(true);
    else if (key === 'ArrowDown' && matches.length > 0) setActive((chosen + 1) % matches.length);
    else if (key === 'ArrowUp' && matches.length > 0)
      setActive((chosen - 1 + matches.length) % matches.length);
    else if ((key === 'Enter' || key === 'Tab') && matches[chosen]) insert(matches[chosen]);
    else return false;
    return true;
  };
  const sendText = () => {
    const trimmed = text.trim();
    if (!trimmed) return;
    setText('');
    void desk.send(id, { text: trimmed });
  };
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        sendText();
      }}
    >
      {listOpen && <CannedReplyList id={cannedListId} replies={matches} active={chosen} onPick={insert} />}
      <textarea
        ref={input}
        aria-label="Message"
        placeholder="Write a reply… (Enter sends, Shift+Enter starts a new line, / for canned replies)"
        rows={2}
        value={text}
        aria-autocomplete="list"
        aria-controls={listOpen ? cannedListId : undefined}
        aria-activedescendant={listOpen && matches.length > 0 ? `${cannedListId}-${chosen}` : undefined}
        onInput={(event) => edit(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.isComposing) return;
          if (!event.shiftKey && listKey(event.key)) {
            event.preventDefault();
            return;
          }
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            sendText();
          }
        }}
      />
      <div class="composer-actions">
        <button type="button" class="quiet" onClick={() => setFileMode(true)}>
          Send a file link
        </button>
        <button type="submit" class="primary" disabled={!text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
