'use strict';
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { AGENT, startServer, stopServer, request } = require('../helpers');
const { requiredEnv, freshDatabase, TcpProxy, eventually } = require('./services');

const DATABASE_URL = requiredEnv('TEST_DATABASE_URL');
const REDIS_URL = requiredEnv('TEST_REDIS_URL');
const TIMEOUT = { timeout: 60000 };

async function agentWith(t, env) {
  const agent = await startServer(AGENT, env);
  t.after(() => stopServer(agent));
  return agent;
}

const postNote = (agent, text) => request(agent.port, { method: 'POST', path: '/api/notes', body: { text } });

test('notes are written to and read from PostgreSQL', TIMEOUT, async (t) => {
  const agent = await agentWith(t, { DATABASE_URL: await freshDatabase(DATABASE_URL), REDIS_URL, NOTES_LIMIT: '2' });
  const health = await request(agent.port, { path: '/api/health' });
  assert.equal(health.json.dependencies.postgres.reachable, true);

  const created = await postNote(agent, '  first note  ');
  assert.equal(created.status, 201);
  assert.equal(created.json.text, 'first note');
  assert.equal(created.json.droplet, 'test-droplet');
  assert.equal(created.headers.location, `/api/notes/${created.json.id}`);
  const read = await request(agent.port, { path: created.headers.location });
  assert.deepEqual([read.status, read.json], [200, created.json]);

  await postNote(agent, 'second note');
  await postNote(agent, 'third note');
  const list = await request(agent.port, { path: '/api/notes' });
  assert.deepEqual(list.json.notes.map((note) => note.text), ['third note', 'second note'], 'latest NOTES_LIMIT first');
  const missing = await request(agent.port, { path: '/api/notes/999999' });
  assert.deepEqual([missing.status, missing.json], [404, { error: 'note not found' }]);
});

test('the visit counter lives in Redis and is shared by every worker', TIMEOUT, async (t) => {
  const [one, two] = await Promise.all([agentWith(t, { REDIS_URL }), agentWith(t, { REDIS_URL })]);
  const health = await request(one.port, { path: '/api/health' });
  assert.equal(health.json.dependencies.redis.reachable, true);
  const first = await request(one.port, { method: 'POST', path: '/api/visits' });
  const second = await request(two.port, { method: 'POST', path: '/api/visits' });
  assert.equal(first.status, 200);
  assert.equal(second.json.visits, first.json.visits + 1);
});

test('four workers on an empty database: schema created, data shared across droplets', TIMEOUT, async (t) => {
  const databaseUrl = await freshDatabase(DATABASE_URL);
  const droplets = ['agentc2-web-1', 'agentc2-web-1', 'agentc2-web-2', 'agentc2-web-2'];
  const workers = await Promise.all(droplets.map((DROPLET_NAME) => agentWith(t, { DATABASE_URL: databaseUrl, DROPLET_NAME })));
  const created = await Promise.all(workers.map((worker, i) => postNote(worker, `from worker ${i}`)));
  assert.deepEqual(created.map((res) => res.status), [201, 201, 201, 201]);
  // Written through one droplet, read through the other: no state on the droplet.
  const readElsewhere = await request(workers[3].port, { path: `/api/notes/${created[0].json.id}` });
  assert.equal(readElsewhere.json.droplet, 'agentc2-web-1');
  assert.equal(readElsewhere.headers['x-droplet'], 'agentc2-web-2');
  for (const worker of workers) {
    assert.doesNotMatch(worker.output, /schema not created|"level":"error"/, 'no worker lost the race');
  }
  assert.equal(workers.filter((worker) => /postgres schema ready/.test(worker.output)).length, 4);
});

async function outageAndRecovery(t, { name, serviceUrl, envName, call }) {
  const proxy = await new TcpProxy(serviceUrl).start();
  t.after(() => proxy.cut().catch(() => {}));
  const agent = await agentWith(t, { [envName]: proxy.urlFor(serviceUrl), CIRCUIT_RESET_MS: '300' });
  const before = await call(agent);
  assert.ok(before.status < 300, `works through the proxy first: ${before.text}`);

  await proxy.cut();
  for (let i = 0; i < 6; i += 1) {
    const res = await call(agent);
    assert.deepEqual([res.status, res.json], [503, { error: `${name} unavailable` }]);
  }
  const health = await request(agent.port, { path: '/api/health' });
  assert.equal(health.status, 200, 'the worker stays in the load balancer');
  assert.notEqual(health.json.dependencies[name].circuit, 'closed', 'the circuit opened');
  assert.equal(health.json.dependencies[name].reachable, false);

  await proxy.restore();
  await eventually(async () => {
    const res = await call(agent);
    return { done: res.status < 300, value: res.json };
  });
  const recovered = await request(agent.port, { path: '/api/health' });
  assert.equal(recovered.json.dependencies[name].circuit, 'closed');
  assert.match(agent.output, new RegExp(`${name} circuit opened`));
  assert.match(agent.output, new RegExp(`${name} circuit closed`));
}

test('Redis outage: 503 "redis unavailable", then recovery without a restart', TIMEOUT, (t) => outageAndRecovery(t, {
  name: 'redis', serviceUrl: REDIS_URL, envName: 'REDIS_URL',
  call: (agent) => request(agent.port, { method: 'POST', path: '/api/visits' }),
}));

test('PostgreSQL outage: 503 "postgres unavailable", then recovery without a restart', TIMEOUT, async (t) => {
  const databaseUrl = await freshDatabase(DATABASE_URL);
  await outageAndRecovery(t, {
    name: 'postgres', serviceUrl: databaseUrl, envName: 'DATABASE_URL',
    call: (agent) => postNote(agent, 'during an outage?'),
  });
});
