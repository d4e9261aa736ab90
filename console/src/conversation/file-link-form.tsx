import { useState } from 'preact/hooks';
import type { FileLink } from '../api.ts';
import { emptyFileLinkFields, type FileLinkFields, fileLinkOf } from './file-link.ts';

/** A link to a file the client should get (URL, name, size, comment), sent as a FileMessage. */
export function FileLinkForm(props: { onSend: (link: FileLink) => void; onCancel: () => void }) {
  const [fields, setFields] = useState<FileLinkFields>(emptyFileLinkFields);
  const field = (name: keyof FileLinkFields) => ({
    value: fields[name],
    onInput: (event: { currentTarget: HTMLInputElement }) =>
      setFields({ ...fields, [name]: event.currentTarget.value }),
  });
  return (
    <form
      class="composer file-form"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSend(fileLinkOf(fields));
      }}
    >
      <label>
        File URL
        <input type="url" required placeholder="https://…" {...field('url')} />
      </label>
      <label>
        Name
        <input {...field('name')} />
      </label>
      <label>
        Size in bytes
        <input type="number" min="0" step="1" {...field('size')} />
      </label>
      <label>
        Comment
        <input {...field('comment')} />
      </label>
      <div class="composer-actions">
        <button type="button" class="quiet" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary">
          Send file link
        </button>
      </div>
    </form>
  );
}
