'use strict';
// The AgentC2 reference frontend: one page that talks to the agent through the same origin (Caddy
// routes /api/* to the agent) and shows which droplet and release served the page and the API calls.
const fs = require('node:fs');
const path = require('node:path');
const { loadConfig } = require('../lib/config');
const { loadIdentity } = require('../lib/identity');
const { createHttpServer, sendJson } = require('../lib/http');
const { Lifecycle } = require('../lib/lifecycle');

const config = loadConfig(process.env, 3000);
const identity = loadIdentity();
const lifecycle = new Lifecycle(config);

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);

// Rendered once: the droplet and release of a running worker never change.
const page = fs.readFileSync(path.join(__dirname, 'index.html'), 'utf8')
  .replaceAll('{{droplet}}', escapeHtml(identity.droplet))
  .replaceAll('{{release}}', escapeHtml(identity.release));

function index(req, res) {
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(page),
    'Cache-Control': 'no-store',
  });
  res.end(page);
}

function healthz(req, res) {
  sendJson(res, lifecycle.shuttingDown ? 503 : 200, {
    status: lifecycle.shuttingDown ? 'shutting down' : 'ok',
    droplet: identity.droplet,
    release: identity.release,
    pid: process.pid,
  });
}

const routes = [
  { method: 'GET', path: /^\/$/, handler: index },
  { method: 'GET', path: /^\/healthz$/, handler: healthz },
];

async function main() {
  const server = createHttpServer({ identity, routes, lifecycle });
  lifecycle.handleSignals(server, async () => {});
  await lifecycle.listen(server, config);
  lifecycle.signalReady();
}

main().catch((err) => {
  process.stderr.write(`frontend failed to start: ${err.message}\n`);
  process.exit(1);
});
