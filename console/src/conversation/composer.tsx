import { useEffect, useRef, useState } from 'preact/hooks';
import type { Conversation } from '../api.ts';
import type { Desk } from '../desk/desk.ts';
import { FileLinkForm } from './file-link-form.tsx';

/** The reply box (Enter sends, Shift+Enter breaks the line) or the file-link form, for the conversation's assignee. */
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
  const input = useRef<HTMLTextAreaElement>(null);
  const id = conversation.conversationId;
  useEffect(() => {
    setText('');
    setFileMode(false);
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
      <textarea
        ref={input}
        aria-label="Message"
        placeholder="Write a reply… (Enter sends, Shift+Enter starts a new line)"
        rows={2}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
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
