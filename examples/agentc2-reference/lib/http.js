'use strict';
// A deliberately small HTTP layer (no framework): routing, JSON in and out, the identity headers on
// every response, and errors mapped to clear JSON bodies.
const http = require('node:http');
const log = require('./log');

const MAX_BODY_BYTES = 16 * 1024;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function sendJson(res, status, body, headers = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

async function readJsonBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body must be JSON');
  }
}

// routes: [{ method, path: RegExp, handler(req, res, match, url) }]; HEAD is served by GET routes.
function findRoute(routes, method, pathname) {
  const effectiveMethod = method === 'HEAD' ? 'GET' : method;
  const matching = routes.filter((route) => route.path.test(pathname));
  const route = matching.find((candidate) => candidate.method === effectiveMethod);
  if (route) return { route, match: pathname.match(route.path) };
  if (matching.length > 0) {
    const allow = [...new Set(matching.map((candidate) => candidate.method))].join(', ');
    throw new HttpError(405, `method not allowed (allowed: ${allow})`);
  }
  throw new HttpError(404, 'not found');
}

function sendError(res, err) {
  if (res.headersSent) {
    res.destroy(err);
    return;
  }
  if (err instanceof HttpError) {
    sendJson(res, err.status, { error: err.message });
  } else if (err.name === 'DependencyUnavailableError') {
    sendJson(res, 503, { error: err.message }, { 'Retry-After': '1' });
  } else {
    log.error('request failed', { error: err.message });
    sendJson(res, 500, { error: 'internal error' });
  }
}

// `lifecycle` tracks responses in flight so that a shutdown can answer them with Connection: close.
function createHttpServer({ identity, routes, lifecycle }) {
  return http.createServer(async (req, res) => {
    lifecycle.track(res);
    res.setHeader('X-Droplet', identity.droplet);
    res.setHeader('X-Release', identity.release);
    try {
      const url = new URL(req.url, 'http://localhost');
      const { route, match } = findRoute(routes, req.method, url.pathname);
      await route.handler(req, res, match, url);
    } catch (err) {
      sendError(res, err);
    }
  });
}

module.exports = { createHttpServer, sendJson, readJsonBody, HttpError };
