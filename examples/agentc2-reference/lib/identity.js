'use strict';
// Which droplet and which release serve a response: the X-Droplet and X-Release headers that the
// lab, the load-balancer checks and the deploy tests rely on.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// Node resolves the `current` symlink of the main module, so this is the real releases/<id> folder
// and a reloaded worker reports the release it actually runs.
const ARTIFACT_ROOT = path.resolve(__dirname, '..');

// A header value must be printable ASCII: anything else would make setHeader throw on every request.
const HEADER_SAFE = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

function headerSafe(value) {
  return typeof value === 'string' && HEADER_SAFE.test(value) ? value : undefined;
}

function readRelease(root = ARTIFACT_ROOT) {
  let fromFile;
  try {
    fromFile = fs.readFileSync(path.join(root, 'RELEASE'), 'utf8').split('\n')[0].trim();
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  if (headerSafe(fromFile)) return fromFile;
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return headerSafe(pkg.version) || 'unknown';
}

function dropletName(env = process.env) {
  return headerSafe(env.DROPLET_NAME) || headerSafe(os.hostname()) || 'unknown';
}

function loadIdentity(env = process.env) {
  return {
    droplet: dropletName(env),
    release: readRelease(),
    // PM2 numbers the instances of a cluster app; useful to see the round robin at work.
    instance: env.NODE_APP_INSTANCE ?? env.pm_id ?? null,
  };
}

module.exports = { loadIdentity, readRelease, dropletName, ARTIFACT_ROOT };
