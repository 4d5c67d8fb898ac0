/** Polls `check` every 25 ms until it returns something truthy, or fails naming `what` after `ms`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string | (() => string), ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
