'use strict';
const assert = require('node:assert/strict');
const { test } = require('node:test');
const {
  FRONTEND, startServer, stopServer, waitForReady, request, makeRelease,
} = require('./helpers');

test('serves the page with the droplet and release that served it', { timeout: 30000 }, async (t) => {
  const release = makeRelease('20261204-1600-f00ba47');
  t.after(release.remove);
  const frontend = await startServer(`${release.current}/frontend/server.js`, { DROPLET_NAME: 'agentc2-web-2' });
  t.after(() => stopServer(frontend));
  assert.equal(await waitForReady(frontend), true, 'process.send("ready") after listening');
  const page = await request(frontend.port, { path: '/' });
  assert.equal(page.status, 200);
  assert.match(page.headers['content-type'], /^text\/html/);
  assert.equal(page.headers['x-droplet'], 'agentc2-web-2');
  assert.equal(page.headers['x-release'], '20261204-1600-f00ba47');
  assert.match(page.text, /<code id="page-droplet">agentc2-web-2<\/code>/);
  assert.match(page.text, /<code id="page-release">20261204-1600-f00ba47<\/code>/);
  for (const endpoint of ["'/api/info'", "'/api/visits'", "'/api/notes'"]) {
    assert.ok(page.text.includes(endpoint), `the page calls ${endpoint} on the same origin`);
  }
});

test('/healthz answers 200 with the identity headers; unknown paths 404', { timeout: 30000 }, async (t) => {
  const frontend = await startServer(FRONTEND, { DROPLET_NAME: 'agentc2-web-3' });
  t.after(() => stopServer(frontend));
  const health = await request(frontend.port, { path: '/healthz' });
  assert.equal(health.status, 200);
  assert.equal(health.json.status, 'ok');
  assert.equal(health.headers['x-droplet'], 'agentc2-web-3');
  assert.ok(health.headers['x-release']);
  const missing = await request(frontend.port, { path: '/nothing' });
  assert.deepEqual([missing.status, missing.json], [404, { error: 'not found' }]);
  assert.equal(missing.headers['x-droplet'], 'agentc2-web-3');
});

test('listens on PORT and HOST from the environment', { timeout: 30000 }, async (t) => {
  const frontend = await startServer(FRONTEND, { HOST: '127.0.0.1' });
  t.after(() => stopServer(frontend));
  assert.notEqual(frontend.port, 3000, 'PORT=0 from the environment gives an ephemeral port');
  assert.equal((await request(frontend.port, { path: '/healthz' })).status, 200);
});

test('SIGINT: stops and exits 0', { timeout: 30000 }, async (t) => {
  const frontend = await startServer(FRONTEND);
  t.after(() => stopServer(frontend));
  assert.equal((await request(frontend.port, { path: '/' })).status, 200);
  frontend.child.kill('SIGINT');
  assert.deepEqual(await frontend.exited, { code: 0, signal: null });
});
