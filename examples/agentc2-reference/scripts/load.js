#!/usr/bin/env node
'use strict';
// Steady load for reload and deploy measurements: REQUESTS_PER_SECOND requests a second, open loop
// (a slow answer does not slow the sender), over keep-alive connections like a proxy's. Prints one
// JSON summary: totals, failures (network errors and non-2xx), and which releases and droplets
// answered. Exits 1 when any request failed.
//
//   node scripts/load.js URL [requests per second, default 50] [seconds, default 30] [method, default GET]
//   e.g. node scripts/load.js http://127.0.0.1:3001/api/visits 100 30 POST
const http = require('node:http');

const [url, rateArg = '50', secondsArg = '30', method = 'GET'] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: load.js URL [requests-per-second] [seconds] [method]\n');
  process.exit(2);
}
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const REQUEST_TIMEOUT_MS = 10000;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const summary = { url, method, rate, seconds, requests: 0, failures: 0, statuses: {}, errors: {}, releases: {}, droplets: {} };
const latencies = [];

const count = (table, key) => { table[key] = (table[key] ?? 0) + 1; };

function fire() {
  summary.requests += 1;
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = http.request(url, { method, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        count(summary.statuses, res.statusCode);
        count(summary.releases, res.headers['x-release'] ?? 'none');
        count(summary.droplets, res.headers['x-droplet'] ?? 'none');
        if (res.statusCode >= 300) summary.failures += 1;
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      summary.failures += 1;
      count(summary.errors, err.code ?? err.message);
      resolve();
    });
    req.end();
  });
}

function percentile(sorted, p) {
  return sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(1)) : null;
}

async function main() {
  const inFlight = new Set();
  const total = Math.round(rate * seconds);
  const start = Date.now();
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const pending = fire();
    inFlight.add(pending);
    pending.then(() => inFlight.delete(pending));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  summary.achieved_rate = Number((summary.requests / ((Date.now() - start) / 1000)).toFixed(1));
  summary.latency_ms = { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: percentile(sorted, 1) };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exitCode = summary.failures === 0 ? 0 : 1;
}

main();
