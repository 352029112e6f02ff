'use strict';
// The PM2 side of the app contract: say `ready` once listening (wait_ready), and on SIGINT (PM2's
// kill signal) or SIGTERM stop accepting, let in-flight requests finish, close keep-alive
// connections, release the pools and exit 0 before PM2's kill_timeout.
const net = require('node:net');
const log = require('./log');

class Lifecycle {
  constructor({ shutdownTimeoutMs, shutdownIdleGraceMs, keepAliveTimeoutMs }) {
    this.shutdownTimeoutMs = shutdownTimeoutMs;
    this.shutdownIdleGraceMs = shutdownIdleGraceMs;
    this.keepAliveTimeoutMs = keepAliveTimeoutMs;
    this.shuttingDown = false;
    this.inFlight = new Set();
  }

  track(res) {
    this.inFlight.add(res);
    res.on('close', () => this.inFlight.delete(res));
    // A request that arrives on a kept-alive socket during shutdown is still served, but the
    // client is told to open its next connection elsewhere.
    if (this.shuttingDown) res.setHeader('Connection', 'close');
  }

  async listen(server, { port, host }) {
    // Longer than the reverse proxy's idle timeout (Caddy: 2 min), so that the proxy, not the app,
    // closes idle upstream connections: a close from this side can cross a request in flight.
    server.keepAliveTimeout = this.keepAliveTimeoutMs;
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    log.info('listening', { host: address.address, port: address.port });
    return address;
  }

  signalReady() {
    if (typeof process.send === 'function') process.send('ready');
  }

  handleSignals(server, closeResources) {
    const shutdown = (signal) => this.shutdown(server, closeResources, signal);
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  }

  shutdown(server, closeResources, signal) {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    log.info('shutting down', { signal, in_flight: this.inFlight.size });
    const deadline = setTimeout(() => {
      log.warn('shutdown timeout reached, closing remaining connections', { in_flight: this.inFlight.size });
      server.closeAllConnections();
      process.exit(1);
    }, this.shutdownTimeoutMs);
    deadline.unref();
    for (const res of this.inFlight) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    // Stop accepting, but not with server.close(), which also closes idle keep-alive connections at
    // once: a client sending on one at that moment gets ECONNRESET and its request is lost. Every
    // response from now on says Connection: close instead; connections still idle after the grace
    // period (idle since before the shutdown) are closed then.
    net.Server.prototype.close.call(server, async () => {
      await closeResources();
      log.info('shutdown complete');
      process.exit(0);
    });
    setTimeout(() => server.closeIdleConnections(), this.shutdownIdleGraceMs).unref();
  }
}

module.exports = { Lifecycle };
