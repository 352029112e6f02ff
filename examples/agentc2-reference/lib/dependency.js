'use strict';
// One guarded access path per shared dependency (PostgreSQL, Redis): retry with backoff inside a
// circuit breaker. Outages surface as DependencyUnavailableError, which the HTTP layer turns into
// 503 {"error": "<name> unavailable"}; a caller's mistake (bad SQL, a constraint) passes through.
const { CircuitBreaker } = require('./circuit-breaker');
const { retry } = require('./retry');
const log = require('./log');

class DependencyUnavailableError extends Error {
  constructor(name, cause) {
    super(`${name} unavailable`, { cause });
    this.name = 'DependencyUnavailableError';
    this.dependency = name;
  }
}

class Dependency {
  constructor({ name, configured, isOutage, retryAttempts, failureThreshold, resetMs }) {
    this.name = name;
    this.configured = configured;
    this.isOutage = isOutage;
    this.retryAttempts = retryAttempts;
    this.breaker = new CircuitBreaker({ name, failureThreshold, resetMs });
  }

  async call(operation) {
    if (!this.configured) throw new DependencyUnavailableError(this.name);
    const before = this.breaker.state;
    try {
      return await this.breaker.execute(
        () => retry(operation, { attempts: this.retryAttempts, isRetryable: this.isOutage }),
        this.isOutage,
      );
    } catch (err) {
      if (err.name === 'CircuitOpenError' || this.isOutage(err)) {
        throw new DependencyUnavailableError(this.name, err);
      }
      throw err;
    } finally {
      this.logTransition(before, this.breaker.state);
    }
  }

  logTransition(before, after) {
    if (before === after) return;
    if (after === 'open') log.warn(`${this.name} circuit opened: answering 503 without trying`, { failures: this.breaker.failures });
    if (after === 'closed') log.info(`${this.name} circuit closed: ${this.name} is back`);
  }

  describe() {
    return { configured: this.configured, circuit: this.configured ? this.breaker.state : 'n/a' };
  }
}

module.exports = { Dependency, DependencyUnavailableError };
