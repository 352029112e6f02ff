'use strict';
// The PM2 side of the app contract: say `ready` once listening (wait_ready), and on SIGINT (PM2's
// kill signal) or SIGTERM stop accepting, let in-flight requests finish, close keep-alive
// connections, release the pools and exit 0 before PM2's kill_timeout.
const log = require('./log');

class Lifecycle {
  constructor({ shutdownTimeoutMs }) {
    this.shutdownTimeoutMs = shutdownTimeoutMs;
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
    // Node >= 19 also drops keep-alive once the server is closing; said explicitly because the
    // contract (clients move to another worker or droplet) depends on it.
    for (const res of this.inFlight) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    server.close(async () => {
      await closeResources();
      log.info('shutdown complete');
      process.exit(0);
    });
    server.closeIdleConnections();
  }
}

module.exports = { Lifecycle };
