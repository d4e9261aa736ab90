import type { CannedReply } from '../api.ts';

/** The canned replies that match what follows `/` in the composer; the composer keeps the keyboard. */
export function CannedReplyList(props: {
  id: string;
  replies: CannedReply[];
  active: number;
  onPick: (reply: CannedReply) => void;
}) {
  const { id, replies, active } = props;
  if (replies.length === 0) {
    return (
      <p id={id} class="canned-replies empty muted" role="status">
        No canned reply matches. Escape closes this list.
      </p>
    );
  }
  return (
    <div id={id} class="canned-replies" role="listbox" aria-label="Canned replies">
      {replies.map((reply, index) => (
        <div
          key={reply.replyId}
          id={`${id}-${index}`}
          role="option"
          tabIndex={-1}
          aria-selected={index === active}
          class={index === active ? 'active' : undefined}
          // Before the textarea loses focus: the click picks, the text box keeps the keyboard.
          onMouseDown={(event) => {
            event.preventDefault();
            props.onPick(reply);
          }}
        >
          <span class="shortcut">/{reply.shortcut}</span> <span class="title">{reply.title}</span>
          <span class="text muted">{reply.text}</span>
        </div>
      ))}
    </div>
  );
}
