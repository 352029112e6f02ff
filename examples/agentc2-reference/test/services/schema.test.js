'use strict';
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { loadConfig } = require('../../lib/config');
const { NotesStore } = require('../../lib/postgres');
const { requiredEnv, freshDatabase } = require('./services');

const DATABASE_URL = requiredEnv('TEST_DATABASE_URL');
const CONCURRENT_STARTS = 16;
const ROUNDS = 5;

// Concurrent CREATE TABLE IF NOT EXISTS races on the catalog (a unique violation in pg_type);
// many stores racing on several empty databases make that race near certain without the lock.
test('many workers creating the schema at the same moment all succeed', { timeout: 120000 }, async () => {
  for (let round = 0; round < ROUNDS; round += 1) {
    const config = loadConfig({ DATABASE_URL: await freshDatabase(DATABASE_URL), PG_POOL_MAX: '1' }, 3001);
    const stores = Array.from({ length: CONCURRENT_STARTS }, () => new NotesStore(config));
    try {
      await Promise.all(stores.map((store) => store.pool.query('SELECT 1')));
      const results = await Promise.allSettled(stores.map((store) => store.createSchema()));
      assert.deepEqual(results.filter((result) => result.status === 'rejected').map((result) => result.reason.message), []);
      const note = await stores[0].create('after the race', 'test-droplet');
      assert.deepEqual(await stores[CONCURRENT_STARTS - 1].get(note.id), note);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  }
});
