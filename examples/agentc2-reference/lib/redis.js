'use strict';
// The visit counter in Redis. Commands fail fast while disconnected (no offline queue) and time
// out after DEPENDENCY_TIMEOUT_MS; ioredis reconnects by itself with a capped backoff.
const Redis = require('ioredis');
const { Dependency } = require('./dependency');
const log = require('./log');

const VISITS_KEY = 'agentc2:visits';
const MAX_RECONNECT_DELAY_MS = 2000;

// Redis answered, but it cannot serve now (loading, read-only replica, auth not accepted).
const UNAVAILABLE_REPLY = /^(LOADING|READONLY|MASTERDOWN|NOAUTH|WRONGPASS|BUSY|CLUSTERDOWN)/;

function isRedisOutage(err) {
  if (err.name === 'ReplyError') return UNAVAILABLE_REPLY.test(err.message);
  return !(err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError);
}

function reconnectDelay(times) {
  return Math.min(50 * 2 ** Math.min(times, 10), MAX_RECONNECT_DELAY_MS);
}

class VisitCounter {
  constructor(config) {
    this.dependency = new Dependency({
      name: 'redis',
      configured: Boolean(config.redisUrl),
      isOutage: isRedisOutage,
      retryAttempts: config.retryAttempts,
      failureThreshold: config.circuitFailureThreshold,
      resetMs: config.circuitResetMs,
    });
    this.client = config.redisUrl ? this.createClient(config) : null;
  }

  createClient(config) {
    const client = new Redis(config.redisUrl, {
      connectTimeout: config.dependencyTimeoutMs,
      commandTimeout: config.dependencyTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: reconnectDelay,
      connectionName: 'agentc2-agent',
    });
    // Log transitions only: a reconnect loop must not flood the logs.
    let connected = null;
    client.on('ready', () => {
      if (connected !== true) log.info('redis connected');
      connected = true;
    });
    client.on('error', (err) => {
      if (connected !== false) log.warn('redis unavailable, reconnecting', { error: err.message });
      connected = false;
    });
    return client;
  }

  // Resolves once connected, or false when the connection is not up within `timeoutMs`.
  waitUntilReady(timeoutMs) {
    if (!this.client) return Promise.resolve(false);
    if (this.client.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      this.client.once('ready', onReady);
    });
  }

  increment() {
    return this.dependency.call(() => this.client.incr(VISITS_KEY));
  }

  async ping() {
    await this.client.ping();
  }

  async close() {
    if (!this.client) return;
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

module.exports = { VisitCounter, isRedisOutage, reconnectDelay };
