'use strict';
// Test harness: the servers run as real child processes (as under PM2), on ephemeral ports.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const APP_ROOT = path.resolve(__dirname, '..');
const AGENT = path.join(APP_ROOT, 'agent', 'server.js');
const FRONTEND = path.join(APP_ROOT, 'frontend', 'server.js');
const STARTUP_TIMEOUT_MS = 15000;

// The child sees only what a PM2 env file would give it, never the caller's DATABASE_URL/REDIS_URL.
function childEnv(overrides) {
  return { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', DROPLET_NAME: 'test-droplet', ...overrides };
}

function parseLogLine(line) {
  try {
    return JSON.parse(line);
  } catch {
    return { msg: line };
  }
}

function startServer(script, env = {}) {
  const child = spawn(process.execPath, [script], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const server = { child, output: '', readyReceived: false, port: null };
  server.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.on('message', (message) => {
    if (message === 'ready') server.readyReceived = true;
  });
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" within ${STARTUP_TIMEOUT_MS} ms:\n${server.output}`)), STARTUP_TIMEOUT_MS);
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      server.output += chunk;
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const entry of lines.map(parseLogLine)) {
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          server.port = entry.port;
          resolve(server);
        }
      }
    });
    child.stderr.on('data', (chunk) => { server.output += chunk; });
    server.exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${server.output}`));
    });
  });
  return listening;
}

async function stopServer(server) {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

// Resolves once the ready message has arrived (it follows "listening" on the IPC channel).
async function waitForReady(server, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!server.readyReceived && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return server.readyReceived;
}

function request(port, { method = 'GET', path: urlPath = '/', body, agent, timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request({
      host: '127.0.0.1', port, method, path: urlPath, agent: agent ?? false,
      headers: payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
    }, (res) => {
      const { socket } = res; // detached from the response once it ends
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json, socket });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// A port nothing listens on: bound once by us, then released.
async function closedPort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

// A release laid out as the `app` role lays it out: <root>/releases/<id>/ with a RELEASE file, and
// <root>/current -> releases/<id>. node_modules is linked, not copied, to keep the test fast.
function makeRelease(releaseId) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agentc2-release-'));
  const releaseDir = path.join(root, 'releases', releaseId);
  fs.mkdirSync(releaseDir, { recursive: true });
  for (const entry of ['agent', 'frontend', 'lib', 'package.json']) {
    fs.cpSync(path.join(APP_ROOT, entry), path.join(releaseDir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(APP_ROOT, 'node_modules'), path.join(releaseDir, 'node_modules'));
  fs.writeFileSync(path.join(releaseDir, 'RELEASE'), `${releaseId}\n`);
  fs.symlinkSync(path.join('releases', releaseId), path.join(root, 'current'));
  return { root, current: path.join(root, 'current'), remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

module.exports = {
  APP_ROOT, AGENT, FRONTEND, startServer, stopServer, waitForReady, request, closedPort, makeRelease,
};
