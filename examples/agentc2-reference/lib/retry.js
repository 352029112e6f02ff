'use strict';
// Retries with exponential backoff and full jitter: transient failures (a dropped connection, a
// failover in progress) are absorbed; the total delay stays short so a request never hangs.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function backoffDelay(attempt, baseDelayMs, maxDelayMs, random = Math.random) {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

async function retry(operation, {
  attempts = 3,
  baseDelayMs = 50,
  maxDelayMs = 500,
  isRetryable = () => true,
  random = Math.random,
} = {}) {
  let lastError;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (err) {
      lastError = err;
      if (!isRetryable(err) || attempt === attempts - 1) break;
      await sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs, random));
    }
  }
  throw lastError;
}

module.exports = { retry, backoffDelay, sleep };
