/**
 * What has been started, to be stopped in reverse order. Each stop runs even when an earlier
 * one failed; the failures are returned, named, so nothing is silently left running.
 */
export class CleanupStack {
  private readonly entries: Array<{ name: string; stop: () => Promise<void> | void }> = [];

  push(name: string, stop: () => Promise<void> | void): void {
    this.entries.push({ name, stop });
  }

  async unwind(): Promise<string[]> {
    const failures: string[] = [];
    while (this.entries.length > 0) {
      const entry = this.entries.pop();
      if (!entry) break;
      try {
        await entry.stop();
      } catch (err) {
        failures.push(`stopping ${entry.name} failed: ${(err as Error).message}`);
      }
    }
    return failures;
  }
}
