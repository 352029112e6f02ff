'use strict';
// Dependency probes for /api/health: cached for a moment and shared by concurrent callers, so the
// health check stays fast and a burst of checks does not become a burst of round trips.

function cachedProbe(check, ttlMs) {
  let pending = null;
  let checkedAt = -Infinity;
  return () => {
    if (pending && Date.now() - checkedAt < ttlMs) return pending;
    checkedAt = Date.now();
    pending = check().then(() => true, () => false);
    return pending;
  };
}

module.exports = { cachedProbe };
