import type { FileLink } from '../api.ts';

/** The file-link form as typed: every field a string. */
export interface FileLinkFields {
  url: string;
  name: string;
  size: string;
  comment: string;
}

export const emptyFileLinkFields: FileLinkFields = { url: '', name: '', size: '', comment: '' };

/** What the form sends: trimmed, blank fields left out, the size only as a whole number of bytes. */
export function fileLinkOf(fields: FileLinkFields): FileLink {
  const size = Number.parseInt(fields.size, 10);
  return {
    url: fields.url.trim(),
    ...(fields.name.trim() && { name: fields.name.trim() }),
    ...(Number.isFinite(size) && size >= 0 && { size }),
    ...(fields.comment.trim() && { comment: fields.comment.trim() }),
  };
}
