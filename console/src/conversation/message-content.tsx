import type { Message } from '../api.ts';
import { fileSize, safeHref } from '../format.ts';

/** A message's text, or its file as a link (http(s) only) with size and comment. */
export function MessageContent({
  message,
}: {
  message: Pick<Message, 'type' | 'text' | 'url' | 'name' | 'size' | 'comment'>;
}) {
  if (message.type !== 'file') return <p class="text">{message.text}</p>;
  const href = safeHref(message.url);
  const label = message.name || message.url || 'file';
  return (
    <p class="text file">
      <span class="file-icon" aria-hidden="true" />
      {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer">
          {label}
        </a>
      ) : (
        <span>{label}</span>
      )}
      {message.size ? <span class="muted"> · {fileSize(message.size)}</span> : null}
      {message.comment ? <span class="comment">{message.comment}</span> : null}
    </p>
  );
}
