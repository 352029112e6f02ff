'use strict';
// One JSON object per line on stdout/stderr, which PM2 writes to its log files as is.

function write(stream, level, msg, fields) {
  const entry = { time: new Date().toISOString(), level, pid: process.pid, msg, ...fields };
  stream.write(`${JSON.stringify(entry)}\n`);
}

module.exports = {
  info: (msg, fields = {}) => write(process.stdout, 'info', msg, fields),
  warn: (msg, fields = {}) => write(process.stderr, 'warn', msg, fields),
  error: (msg, fields = {}) => write(process.stderr, 'error', msg, fields),
};
