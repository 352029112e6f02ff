'use strict';
// Notes stored in PostgreSQL. The schema is created on start, under an advisory lock so that the
// four agent workers (and the other droplets) starting together do not race on CREATE TABLE.
const { Pool } = require('pg');
const { Dependency } = require('./dependency');
const log = require('./log');

// Any constant shared by every instance of the app; it names the "schema migration" lock.
const SCHEMA_LOCK_KEY = 2026120401;

const SCHEMA_SQL = `
  CREATE TABLE IF NOT EXISTS notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
    droplet text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`;

// SQLSTATE classes that mean "the server cannot serve now" rather than "this query is wrong":
// 08 connection exception, 53 insufficient resources, 57P operator intervention (shutdown, startup).
const OUTAGE_SQLSTATE = /^(08|53|57P)/;
const SQLSTATE = /^[0-9A-Z]{5}$/;

function isPostgresOutage(err) {
  if (typeof err.code === 'string' && SQLSTATE.test(err.code)) return OUTAGE_SQLSTATE.test(err.code);
  // Without a SQLSTATE the error comes from the socket: refused, reset, timed out, terminated.
  return !(err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError);
}

function toNote(row) {
  return { id: Number(row.id), text: row.body, droplet: row.droplet, created_at: row.created_at };
}

class NotesStore {
  constructor(config) {
    this.dependency = new Dependency({
      name: 'postgres',
      configured: Boolean(config.databaseUrl),
      isOutage: isPostgresOutage,
      retryAttempts: config.retryAttempts,
      failureThreshold: config.circuitFailureThreshold,
      resetMs: config.circuitResetMs,
    });
    this.pool = config.databaseUrl ? this.createPool(config) : null;
    this.schemaReady = null;
    this.schemaWarned = false;
  }

  createPool(config) {
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: config.pgPoolMax,
      connectionTimeoutMillis: config.dependencyTimeoutMs,
      query_timeout: config.dependencyTimeoutMs,
      idleTimeoutMillis: 10000,
      keepAlive: true,
      application_name: 'agentc2-agent',
    });
    // An idle client losing its server emits here; without a listener the worker would crash.
    pool.on('error', (err) => log.warn('postgres idle connection lost', { error: err.message }));
    return pool;
  }

  // Memoised; forgotten on failure so the next request tries again once PostgreSQL is back.
  ensureSchema() {
    if (!this.schemaReady) {
      this.schemaReady = this.createSchema().catch((err) => {
        if (!this.schemaWarned) log.warn('postgres schema not created yet', { error: err.message });
        this.schemaWarned = true;
        this.schemaReady = null;
        throw err;
      });
    }
    return this.schemaReady;
  }

  async createSchema() {
    const client = await this.pool.connect();
    let failure;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
      await client.query(SCHEMA_SQL);
      await client.query('COMMIT');
      log.info('postgres schema ready');
    } catch (err) {
      failure = err;
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release(failure);
    }
  }

  query(sql, params) {
    return this.dependency.call(async () => {
      await this.ensureSchema();
      return this.pool.query(sql, params);
    });
  }

  async create(text, droplet) {
    const { rows } = await this.query(
      'INSERT INTO notes (body, droplet) VALUES ($1, $2) RETURNING id, body, droplet, created_at',
      [text, droplet],
    );
    return toNote(rows[0]);
  }

  async get(id) {
    const { rows } = await this.query('SELECT id, body, droplet, created_at FROM notes WHERE id = $1', [id]);
    return rows.length ? toNote(rows[0]) : null;
  }

  async latest(limit) {
    const { rows } = await this.query(
      'SELECT id, body, droplet, created_at FROM notes ORDER BY id DESC LIMIT $1',
      [limit],
    );
    return rows.map(toNote);
  }

  // For /api/health: a direct round trip, outside the breaker, bounded by the pool's timeouts.
  async ping() {
    await this.pool.query('SELECT 1');
  }

  close() {
    return this.pool ? this.pool.end() : Promise.resolve();
  }
}

module.exports = { NotesStore, isPostgresOutage };
