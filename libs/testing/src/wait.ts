/** Polls until the check passes (returns its value) or fails with the last error. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
  throw lastError;
}
