'use strict';
// The AgentC2 reference agent: /api/health, /api/info, notes in PostgreSQL, a visit counter in Redis.
const { loadConfig, redactUrl } = require('../lib/config');
const { loadIdentity } = require('../lib/identity');
const { createHttpServer, sendJson, readJsonBody, HttpError } = require('../lib/http');
const { Lifecycle } = require('../lib/lifecycle');
const { NotesStore } = require('../lib/postgres');
const { VisitCounter } = require('../lib/redis');
const { cachedProbe } = require('../lib/probe');
const { sleep } = require('../lib/retry');
const log = require('../lib/log');

const PROBE_TTL_MS = 1000;
const MAX_SLEEP_MS = 30000;
const MAX_NOTE_LENGTH = 2000;

const config = loadConfig(process.env, 3001);
const identity = loadIdentity();
const lifecycle = new Lifecycle(config);
const notes = new NotesStore(config);
const visits = new VisitCounter(config);

function reportConfiguration() {
  for (const [name, url] of [['DATABASE_URL', config.databaseUrl], ['REDIS_URL', config.redisUrl]]) {
    if (url) log.info(`${name} set`, { url: redactUrl(url) });
    else log.warn(`${name} is not set: the endpoints that need it answer 503`);
  }
}

function probeFor(store) {
  if (!store.dependency.configured) return async () => null;
  return cachedProbe(() => store.ping(), PROBE_TTL_MS);
}

const probes = { postgres: probeFor(notes), redis: probeFor(visits) };

// 200 whenever this worker can serve; dependency reachability is reported, not enforced, so that an
// outage of the shared PostgreSQL or Redis does not take every droplet out of the load balancer.
async function health(req, res) {
  const [postgres, redis] = await Promise.all([probes.postgres(), probes.redis()]);
  const status = lifecycle.shuttingDown ? 'shutting down' : 'ok';
  sendJson(res, lifecycle.shuttingDown ? 503 : 200, {
    status,
    droplet: identity.droplet,
    release: identity.release,
    pid: process.pid,
    uptime_s: Math.round(process.uptime()),
    dependencies: {
      postgres: { ...notes.dependency.describe(), reachable: postgres },
      redis: { ...visits.dependency.describe(), reachable: redis },
    },
  });
}

function info(req, res) {
  sendJson(res, 200, {
    droplet: identity.droplet,
    release: identity.release,
    pid: process.pid,
    instance: identity.instance,
    node: process.version,
  });
}

// Holds a request open: lets tests and runbooks watch in-flight requests survive a reload or drain.
async function slowRequest(req, res, match, url) {
  const ms = Number(url.searchParams.get('ms') ?? 1000);
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_SLEEP_MS) {
    throw new HttpError(400, `ms must be an integer between 0 and ${MAX_SLEEP_MS}`);
  }
  await sleep(ms);
  sendJson(res, 200, { slept_ms: ms, pid: process.pid });
}

async function countVisit(req, res) {
  sendJson(res, 200, { visits: await visits.increment(), droplet: identity.droplet });
}

function noteText(body) {
  const text = body && typeof body.text === 'string' ? body.text.trim() : '';
  if (!text || text.length > MAX_NOTE_LENGTH) {
    throw new HttpError(400, `text must be a non-empty string of at most ${MAX_NOTE_LENGTH} characters`);
  }
  return text;
}

async function createNote(req, res) {
  const text = noteText(await readJsonBody(req));
  const note = await notes.create(text, identity.droplet);
  sendJson(res, 201, note, { Location: `/api/notes/${note.id}` });
}

async function getNote(req, res, match) {
  const id = Number(match[1]);
  if (!Number.isSafeInteger(id)) throw new HttpError(404, 'note not found');
  const note = await notes.get(id);
  if (!note) throw new HttpError(404, 'note not found');
  sendJson(res, 200, note);
}

async function listNotes(req, res, match, url) {
  const requested = Number(url.searchParams.get('limit') ?? config.notesLimit);
  const limit = Number.isInteger(requested) && requested > 0 ? Math.min(requested, config.notesLimit) : config.notesLimit;
  sendJson(res, 200, { notes: await notes.latest(limit), limit });
}

const routes = [
  { method: 'GET', path: /^\/api\/health$/, handler: health },
  { method: 'GET', path: /^\/api\/info$/, handler: info },
  { method: 'GET', path: /^\/api\/sleep$/, handler: slowRequest },
  { method: 'POST', path: /^\/api\/visits$/, handler: countVisit },
  { method: 'GET', path: /^\/api\/notes$/, handler: listNotes },
  { method: 'POST', path: /^\/api\/notes$/, handler: createNote },
  { method: 'GET', path: /^\/api\/notes\/(\d+)$/, handler: getNote },
];

// Give the dependencies a bounded moment before taking traffic: the cluster master routes
// connections to a worker as soon as it listens, and the schema should exist by then.
async function warmUp() {
  const tasks = [];
  if (notes.dependency.configured) tasks.push(notes.ensureSchema());
  if (visits.dependency.configured) tasks.push(visits.waitUntilReady(config.startupDependencyWaitMs));
  await Promise.race([Promise.allSettled(tasks), sleep(config.startupDependencyWaitMs)]);
}

async function main() {
  reportConfiguration();
  await warmUp();
  const server = createHttpServer({ identity, routes, lifecycle });
  lifecycle.handleSignals(server, () => Promise.allSettled([notes.close(), visits.close()]));
  await lifecycle.listen(server, config);
  lifecycle.signalReady();
}

main().catch((err) => {
  log.error('agent failed to start', { error: err.message });
  process.exit(1);
});
