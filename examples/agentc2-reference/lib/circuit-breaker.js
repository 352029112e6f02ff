'use strict';
// A circuit breaker: after `failureThreshold` consecutive failures it opens and calls fail at once
// (no piling up of requests behind a dead dependency); after `resetMs` one trial call is let through
// (half-open) and its outcome closes or re-opens the circuit.

class CircuitOpenError extends Error {
  constructor(name) {
    super(`circuit for ${name} is open`);
    this.name = 'CircuitOpenError';
  }
}

class CircuitBreaker {
  constructor({ name, failureThreshold = 5, resetMs = 5000, now = Date.now }) {
    this.name = name;
    this.failureThreshold = failureThreshold;
    this.resetMs = resetMs;
    this.now = now;
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  get state() {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.resetMs ? 'half-open' : 'open';
  }

  // `countsAsFailure(err)` tells a dependency outage from a caller's mistake (a constraint
  // violation must not open the circuit).
  async execute(operation, countsAsFailure = () => true) {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) {
      throw new CircuitOpenError(this.name);
    }
    const isTrial = state === 'half-open';
    if (isTrial) this.trialInFlight = true;
    try {
      const result = await operation();
      this.recordSuccess();
      return result;
    } catch (err) {
      if (countsAsFailure(err)) this.recordFailure();
      throw err;
    } finally {
      if (isTrial) this.trialInFlight = false;
    }
  }

  recordSuccess() {
    this.failures = 0;
    this.openedAt = null;
  }

  recordFailure() {
    this.failures += 1;
    if (this.openedAt !== null || this.failures >= this.failureThreshold) {
      this.openedAt = this.now();
    }
  }
}

module.exports = { CircuitBreaker, CircuitOpenError };
