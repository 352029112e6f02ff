'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, test } = require('node:test');
const { retry, backoffDelay } = require('../lib/retry');
const { CircuitBreaker } = require('../lib/circuit-breaker');
const { Dependency } = require('../lib/dependency');
const { loadConfig, redactUrl } = require('../lib/config');
const { readRelease, dropletName } = require('../lib/identity');
const { isPostgresOutage } = require('../lib/postgres');
const { isRedisOutage } = require('../lib/redis');

const failingTimes = (count, error = new Error('boom')) => {
  let calls = 0;
  const operation = async () => {
    calls += 1;
    if (calls <= count) throw error;
    return 'done';
  };
  return { operation, calls: () => calls };
};

test('retry succeeds after transient failures', async () => {
  const { operation, calls } = failingTimes(2);
  assert.equal(await retry(operation, { attempts: 3, baseDelayMs: 1 }), 'done');
  assert.equal(calls(), 3);
});

test('retry gives up after the last attempt with the last error', async () => {
  const { operation, calls } = failingTimes(5);
  await assert.rejects(retry(operation, { attempts: 3, baseDelayMs: 1 }), /boom/);
  assert.equal(calls(), 3);
});

test('retry does not retry errors that are not retryable', async () => {
  const { operation, calls } = failingTimes(5);
  await assert.rejects(retry(operation, { attempts: 3, baseDelayMs: 1, isRetryable: () => false }), /boom/);
  assert.equal(calls(), 1);
});

test('backoff grows exponentially and stays under its cap', () => {
  const top = () => 0.999999;
  assert.deepEqual([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, 50, 1000, top)), [49, 99, 199, 399]);
  assert.equal(backoffDelay(10, 50, 1000, top), 999);
  assert.equal(backoffDelay(3, 50, 1000, () => 0), 0);
});

function fakeClock() {
  let now = 0;
  return { now: () => now, advance: (ms) => { now += ms; } };
}

const fail = async () => { throw new Error('down'); };
const succeed = async () => 'up';

test('circuit opens after 5 consecutive failures and then fails fast', async () => {
  const clock = fakeClock();
  const breaker = new CircuitBreaker({ name: 'db', failureThreshold: 5, resetMs: 1000, now: clock.now });
  for (let i = 0; i < 4; i += 1) await assert.rejects(breaker.execute(fail), /down/);
  assert.equal(breaker.state, 'closed');
  await assert.rejects(breaker.execute(fail), /down/);
  assert.equal(breaker.state, 'open');
  let called = false;
  await assert.rejects(breaker.execute(async () => { called = true; }), { name: 'CircuitOpenError' });
  assert.equal(called, false);
});

test('a success resets the failure count', async () => {
  const breaker = new CircuitBreaker({ name: 'db', failureThreshold: 2 });
  await assert.rejects(breaker.execute(fail));
  await breaker.execute(succeed);
  await assert.rejects(breaker.execute(fail));
  assert.equal(breaker.state, 'closed');
});

test('errors that are not outages do not open the circuit', async () => {
  const breaker = new CircuitBreaker({ name: 'db', failureThreshold: 1 });
  await assert.rejects(breaker.execute(fail, () => false));
  assert.equal(breaker.state, 'closed');
});

test('half-open lets one trial through: success closes, failure re-opens', async () => {
  const clock = fakeClock();
  const breaker = new CircuitBreaker({ name: 'db', failureThreshold: 1, resetMs: 1000, now: clock.now });
  await assert.rejects(breaker.execute(fail));
  clock.advance(1000);
  assert.equal(breaker.state, 'half-open');
  await assert.rejects(breaker.execute(fail), /down/);
  assert.equal(breaker.state, 'open');
  clock.advance(1000);
  let release;
  const trial = breaker.execute(() => new Promise((resolve) => { release = resolve; }));
  await assert.rejects(breaker.execute(succeed), { name: 'CircuitOpenError' });
  release('up');
  assert.equal(await trial, 'up');
  assert.equal(breaker.state, 'closed');
});

test('a dependency turns outages into "<name> unavailable" and passes other errors through', async () => {
  const dependency = new Dependency({
    name: 'redis', configured: true, isOutage: (err) => err.message === 'down',
    retryAttempts: 2, failureThreshold: 5, resetMs: 1000,
  });
  await assert.rejects(dependency.call(fail), { name: 'DependencyUnavailableError', message: 'redis unavailable' });
  await assert.rejects(dependency.call(async () => { throw new Error('bad query'); }), { message: 'bad query' });
  const unconfigured = new Dependency({ name: 'postgres', configured: false, isOutage: () => true });
  await assert.rejects(unconfigured.call(succeed), { message: 'postgres unavailable' });
});

test('outage classification: PostgreSQL', () => {
  assert.equal(isPostgresOutage(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), true);
  assert.equal(isPostgresOutage(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isPostgresOutage(Object.assign(new Error('shutting down'), { code: '57P01' })), true);
  assert.equal(isPostgresOutage(Object.assign(new Error('check violation'), { code: '23514' })), false);
  assert.equal(isPostgresOutage(new TypeError('bug')), false);
});

test('outage classification: Redis', () => {
  const reply = (message) => Object.assign(new Error(message), { name: 'ReplyError' });
  assert.equal(isRedisOutage(new Error('Connection is closed.')), true);
  assert.equal(isRedisOutage(reply('LOADING Redis is loading the dataset in memory')), true);
  assert.equal(isRedisOutage(reply('WRONGTYPE Operation against a key holding the wrong kind of value')), false);
});

test('URLs are logged without their password', () => {
  assert.equal(redactUrl('postgres://agentc2:s3cret@db:5432/agentc2'), 'postgres://agentc2:***@db:5432/agentc2');
  assert.equal(redactUrl('redis://:s3cret@cache:6379/0'), 'redis://:***@cache:6379/0');
  assert.equal(redactUrl('not a url s3cret'), '<unparseable URL>');
});

test('configuration defaults and validation', () => {
  const config = loadConfig({}, 3001);
  assert.equal(config.port, 3001);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.notesLimit, 20);
  assert.equal(config.circuitFailureThreshold, 5);
  assert.equal(loadConfig({ PORT: '0' }, 3001).port, 0);
  assert.throws(() => loadConfig({ PORT: 'http' }, 3001), /PORT must be an integer/);
  assert.throws(() => loadConfig({ NOTES_LIMIT: '0' }, 3001), /NOTES_LIMIT/);
});

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'agentc2-identity-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function releaseDir(releaseContent) {
  const dir = fs.mkdtempSync(path.join(scratch, 'release-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '9.8.7' }));
  if (releaseContent !== undefined) fs.writeFileSync(path.join(dir, 'RELEASE'), releaseContent);
  return dir;
}

test('the release id comes from RELEASE, else from package.json', () => {
  assert.equal(readRelease(releaseDir('20261204-a1b2c3\n')), '20261204-a1b2c3');
  assert.equal(readRelease(releaseDir()), '9.8.7');
  // Not a valid header value: falling back beats failing every request.
  assert.equal(readRelease(releaseDir('r\u00e9lease\n')), '9.8.7');
  assert.equal(readRelease(releaseDir('\n')), '9.8.7');
});

test('the droplet name comes from DROPLET_NAME, else the host name', () => {
  assert.equal(dropletName({ DROPLET_NAME: 'agentc2-web-1' }), 'agentc2-web-1');
  assert.equal(dropletName({}), os.hostname());
  assert.equal(dropletName({ DROPLET_NAME: 'bad\r\nX-Injected: 1' }), os.hostname());
});
