'use strict';
// Configuration comes only from the environment (the app contract): the env files rendered by the
// `app` role, or the shell when running by hand.

function integerFromEnv(env, name, fallback, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function loadConfig(env, defaultPort) {
  return {
    port: integerFromEnv(env, 'PORT', defaultPort, { max: 65535 }),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || '',
    redisUrl: env.REDIS_URL || '',
    notesLimit: integerFromEnv(env, 'NOTES_LIMIT', 20, { min: 1, max: 1000 }),
    pgPoolMax: integerFromEnv(env, 'PG_POOL_MAX', 5, { min: 1, max: 100 }),
    dependencyTimeoutMs: integerFromEnv(env, 'DEPENDENCY_TIMEOUT_MS', 1000, { min: 50 }),
    retryAttempts: integerFromEnv(env, 'RETRY_ATTEMPTS', 3, { min: 1, max: 10 }),
    circuitFailureThreshold: integerFromEnv(env, 'CIRCUIT_FAILURE_THRESHOLD', 5, { min: 1 }),
    circuitResetMs: integerFromEnv(env, 'CIRCUIT_RESET_MS', 5000, { min: 10 }),
    startupDependencyWaitMs: integerFromEnv(env, 'STARTUP_DEPENDENCY_WAIT_MS', 2000),
    shutdownTimeoutMs: integerFromEnv(env, 'SHUTDOWN_TIMEOUT_MS', 8000, { min: 100 }),
    shutdownIdleGraceMs: integerFromEnv(env, 'SHUTDOWN_IDLE_GRACE_MS', 1000),
    keepAliveTimeoutMs: integerFromEnv(env, 'KEEP_ALIVE_TIMEOUT_MS', 125000, { min: 1000 }),
  };
}

// Connection URLs carry passwords: only this form of them ever reaches a log line.
function redactUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}

module.exports = { loadConfig, redactUrl };
