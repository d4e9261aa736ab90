import { describe, expect, it } from 'vitest';
import { emptyFileLinkFields, fileLinkOf } from '../../../console/src/conversation/file-link.ts';

describe('the file-link form', () => {
  it('sends trimmed fields and leaves blank ones out', () => {
    expect(
      fileLinkOf({ url: ' https://x.example/a.pdf ', name: ' A.pdf ', size: '2048', comment: ' hi ' }),
    ).toEqual({ url: 'https://x.example/a.pdf', name: 'A.pdf', size: 2048, comment: 'hi' });
    expect(fileLinkOf({ ...emptyFileLinkFields, url: 'https://x.example/b', name: '  ' })).toEqual({
      url: 'https://x.example/b',
    });
  });

  it('sends the size only as a whole number of bytes, zero included', () => {
    const url = 'https://x.example/c';
    expect(fileLinkOf({ ...emptyFileLinkFields, url, size: '0' })).toEqual({ url, size: 0 });
    expect(fileLinkOf({ ...emptyFileLinkFields, url, size: '12.7' })).toEqual({ url, size: 12 });
    expect(fileLinkOf({ ...emptyFileLinkFields, url, size: '-3' })).toEqual({ url });
    expect(fileLinkOf({ ...emptyFileLinkFields, url, size: 'big' })).toEqual({ url });
  });
});
