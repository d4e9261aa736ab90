/**
 * Reloads the queue (and the transcript when asked) one pass at a time: requests that come in during a
 * pass are folded into one more pass, so a burst of notifications costs two reads, not one each.
 */
export class RefreshLoop {
  private running: Promise<void> | undefined;
  private pending = false;
  private transcript = false;

  constructor(private readonly load: (options: { transcript: boolean }) => Promise<void>) {}

  /** Resolves once a pass that began after this call has finished. */
  request(options: { transcript: boolean }): Promise<void> {
    this.pending = true;
    this.transcript ||= options.transcript;
    this.running ??= (async () => {
      while (this.pending) {
        const transcript = this.transcript;
        this.pending = false;
        this.transcript = false;
        await this.load({ transcript });
      }
    })().finally(() => {
      this.running = undefined;
      if (this.pending) void this.request({ transcript: this.transcript });
    });
    return this.running;
  }
}
