// A bounded poll: resolves with the first value `check` returns that is not undefined, rejects
// when `check` throws or `timeoutMs` passes (the message says what was awaited).

export function waitUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      let value: T | undefined;
      try {
        value = check();
      } catch (error) {
        reject(error);
        return;
      }
      if (value !== undefined) resolve(value);
      else if (Date.now() > deadline) reject(new Error(`timed out after ${timeoutMs} ms: ${what}`));
      else setTimeout(tick, 50);
    };
    tick();
  });
}
