'use strict';
// Helpers for the tests against real PostgreSQL and Redis (scripts/test-with-services.sh starts them
// and passes their URLs in TEST_DATABASE_URL and TEST_REDIS_URL).
const crypto = require('node:crypto');
const net = require('node:net');
const { Client } = require('pg');

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run scripts/test-with-services.sh`);
  return value;
}

// A database of its own per test, so that each one starts without the notes table.
async function freshDatabase(adminUrl) {
  const name = `agentc2_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// A TCP proxy in front of a real service: `cut()` is an outage (connections reset, then refused),
// `restore()` brings the service back on the same port.
class TcpProxy {
  constructor(targetUrl) {
    const target = new URL(targetUrl);
    this.target = { host: target.hostname, port: Number(target.port) };
    this.sockets = new Set();
    this.server = null;
    this.port = 0;
  }

  async start() {
    this.server = net.createServer((client) => this.forward(client));
    await new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = this.server.address().port;
    return this;
  }

  forward(client) {
    const upstream = net.connect(this.target);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream).pipe(client);
  }

  // The same URL with the proxy's port instead of the service's.
  urlFor(serviceUrl) {
    const url = new URL(serviceUrl);
    url.port = String(this.port);
    return url.toString();
  }

  async cut() {
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  restore() {
    return this.start();
  }
}

async function eventually(check, { timeoutMs = 20000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last.done) return last.value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last.value)}`);
}

module.exports = { requiredEnv, freshDatabase, TcpProxy, eventually };
