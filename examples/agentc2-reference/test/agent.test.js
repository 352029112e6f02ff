'use strict';
const assert = require('node:assert/strict');
const http = require('node:http');
const { test } = require('node:test');
const {
  AGENT, startServer, stopServer, waitForReady, request, closedPort, makeRelease,
} = require('./helpers');

const { version } = require('../package.json');

test('starts without DATABASE_URL and REDIS_URL, says ready, and /api/health answers 200', { timeout: 30000 }, async (t) => {
  const agent = await startServer(AGENT);
  t.after(() => stopServer(agent));
  assert.equal(await waitForReady(agent), true, 'process.send("ready") after listening');
  const res = await request(agent.port, { path: '/api/health' });
  assert.equal(res.status, 200);
  assert.equal(res.json.status, 'ok');
  assert.deepEqual(res.json.dependencies, {
    postgres: { configured: false, circuit: 'n/a', reachable: null },
    redis: { configured: false, circuit: 'n/a', reachable: null },
  });
  assert.match(agent.output, /DATABASE_URL is not set/);
  assert.match(agent.output, /REDIS_URL is not set/);
});

test('every response carries X-Droplet and X-Release, errors included', { timeout: 30000 }, async (t) => {
  const agent = await startServer(AGENT, { DROPLET_NAME: 'agentc2-web-7' });
  t.after(() => stopServer(agent));
  for (const path of ['/api/health', '/api/info', '/api/notes', '/api/nothing-here']) {
    const res = await request(agent.port, { path });
    assert.equal(res.headers['x-droplet'], 'agentc2-web-7', path);
    assert.equal(res.headers['x-release'], version, path);
  }
  const info = await request(agent.port, { path: '/api/info' });
  assert.equal(info.json.droplet, 'agentc2-web-7');
  assert.equal(info.json.release, version);
  assert.equal(info.json.pid, agent.child.pid);
});

test('X-Release is the RELEASE of the release folder that `current` points to', { timeout: 30000 }, async (t) => {
  const release = makeRelease('20261204-1520-a1b2c3d');
  t.after(release.remove);
  const agent = await startServer(`${release.current}/agent/server.js`);
  t.after(() => stopServer(agent));
  const res = await request(agent.port, { path: '/api/info' });
  assert.equal(res.headers['x-release'], '20261204-1520-a1b2c3d');
  assert.equal(res.json.release, '20261204-1520-a1b2c3d');
});

test('without PostgreSQL or Redis the endpoints that need them answer a clear 503', { timeout: 30000 }, async (t) => {
  const agent = await startServer(AGENT);
  t.after(() => stopServer(agent));
  const visits = await request(agent.port, { method: 'POST', path: '/api/visits' });
  assert.equal(visits.status, 503);
  assert.deepEqual(visits.json, { error: 'redis unavailable' });
  const list = await request(agent.port, { path: '/api/notes' });
  assert.equal(list.status, 503);
  assert.deepEqual(list.json, { error: 'postgres unavailable' });
  const create = await request(agent.port, { method: 'POST', path: '/api/notes', body: { text: 'hello' } });
  assert.deepEqual([create.status, create.json], [503, { error: 'postgres unavailable' }]);
  const one = await request(agent.port, { path: '/api/notes/1' });
  assert.deepEqual([one.status, one.json], [503, { error: 'postgres unavailable' }]);
});

test('unreachable PostgreSQL and Redis: 503 without hanging, circuit opens, no password logged', { timeout: 30000 }, async (t) => {
  const port = await closedPort();
  const agent = await startServer(AGENT, {
    DATABASE_URL: `postgres://agentc2:pg-s3cret-value@127.0.0.1:${port}/agentc2`,
    REDIS_URL: `redis://:redis-s3cret-value@127.0.0.1:${port}/0`,
    STARTUP_DEPENDENCY_WAIT_MS: '100',
  });
  t.after(() => stopServer(agent));
  for (let i = 0; i < 5; i += 1) {
    const res = await request(agent.port, { method: 'POST', path: '/api/visits', timeoutMs: 5000 });
    assert.deepEqual([res.status, res.json], [503, { error: 'redis unavailable' }]);
    const notes = await request(agent.port, { path: '/api/notes', timeoutMs: 5000 });
    assert.deepEqual([notes.status, notes.json], [503, { error: 'postgres unavailable' }]);
  }
  const health = await request(agent.port, { path: '/api/health', timeoutMs: 5000 });
  assert.equal(health.status, 200, 'the worker itself can still serve');
  assert.equal(health.json.dependencies.redis.circuit, 'open');
  assert.equal(health.json.dependencies.postgres.circuit, 'open');
  assert.equal(health.json.dependencies.redis.reachable, false);
  assert.equal(health.json.dependencies.postgres.reachable, false);
  assert.doesNotMatch(health.text, /s3cret/);
  assert.match(agent.output, /postgres:\/\/agentc2:\*\*\*@127\.0\.0\.1/);
  assert.doesNotMatch(agent.output, /s3cret/);
  agent.child.kill('SIGINT');
  assert.deepEqual(await agent.exited, { code: 0, signal: null }, 'shuts down cleanly during an outage');
});

test('HEAD is served wherever GET is', { timeout: 30000 }, async (t) => {
  const agent = await startServer(AGENT);
  t.after(() => stopServer(agent));
  const res = await request(agent.port, { method: 'HEAD', path: '/api/health' });
  assert.equal(res.status, 200);
  assert.equal(res.text, '');
  assert.equal(res.headers['x-droplet'], 'test-droplet');
});

test('bad requests get 400, 404 and 405 with JSON errors', { timeout: 30000 }, async (t) => {
  const agent = await startServer(AGENT);
  t.after(() => stopServer(agent));
  const cases = [
    [{ method: 'POST', path: '/api/notes', body: '{not json' }, 400, 'request body must be JSON'],
    [{ method: 'POST', path: '/api/notes', body: { text: '   ' } }, 400, 'text must be a non-empty string of at most 2000 characters'],
    [{ method: 'POST', path: '/api/notes', body: { text: 'x'.repeat(2001) } }, 400, 'text must be a non-empty string of at most 2000 characters'],
    [{ method: 'POST', path: '/api/notes', body: 'x'.repeat(20000) }, 413, 'request body too large'],
    [{ path: '/api/sleep?ms=abc' }, 400, 'ms must be an integer between 0 and 30000'],
    [{ path: '/api/notes/abc' }, 404, 'not found'],
    [{ method: 'DELETE', path: '/api/notes' }, 405, 'method not allowed (allowed: GET, POST)'],
  ];
  for (const [options, status, error] of cases) {
    const res = await request(agent.port, options);
    assert.deepEqual([res.status, res.json], [status, { error }], `${options.method ?? 'GET'} ${options.path}`);
  }
});

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function keepAliveConnection(t, port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const first = await request(port, { path: '/api/info', agent });
  const closed = new Promise((resolve) => first.socket.once('close', resolve));
  return { agent, socket: first.socket, closed };
}

async function gracefulShutdown(t, signal) {
  const server = await startServer(AGENT);
  t.after(() => stopServer(server));
  const reused = await keepAliveConnection(t, server.port);
  const idle = await keepAliveConnection(t, server.port);

  const slow = request(server.port, { path: '/api/sleep?ms=1500' });
  await pause(300);
  server.child.kill(signal);
  await pause(100);

  // A request on a kept-alive connection during shutdown is served, and the client told to go;
  // the health endpoint already says this worker is going away.
  const late = await request(server.port, { path: '/api/health', agent: reused.agent });
  assert.deepEqual([late.status, late.json.status], [503, 'shutting down']);
  assert.equal(late.socket, reused.socket, 'sent on the existing connection');
  assert.equal(late.headers.connection, 'close');
  await reused.closed;
  await idle.closed; // closed by the server after the idle grace period
  // Refused, or reset when the connection was still in the closed listener's backlog.
  await assert.rejects(
    request(server.port, { path: '/api/info' }),
    (err) => ['ECONNREFUSED', 'ECONNRESET'].includes(err.code),
    'stopped accepting new connections',
  );

  const slowRes = await slow;
  assert.equal(slowRes.status, 200, 'the in-flight request completes');
  assert.equal(slowRes.json.slept_ms, 1500);
  assert.equal(slowRes.headers.connection, 'close');
  assert.deepEqual(await server.exited, { code: 0, signal: null });
  assert.match(server.output, /"msg":"shutdown complete"/);
}

test('SIGINT (PM2): in-flight request completes, keep-alive connections told to close, exit 0', { timeout: 30000 }, (t) => gracefulShutdown(t, 'SIGINT'));

test('SIGTERM (systemd): same graceful shutdown', { timeout: 30000 }, (t) => gracefulShutdown(t, 'SIGTERM'));
