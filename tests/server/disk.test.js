// Readiness means writable: with the disk full, /health/ready is 503 (so a
// load balancer stops sending writes) and writes answer a clean 500; when
// space returns, both recover without a restart. A real full disk: a 2 MB
// tmpfs (root only; the suite runs as root, and says so when it cannot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKEND, startServer, userSession } from './support/server.js';

function tinyDisk(t) {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
  t.after(() => {
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

// Writes zeros until the disk refuses: ENOSPC.
function fill(path) {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    assert.equal(error.code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
}

test('a full disk: not ready, writes a clean 500 with nothing half-done; space back: ready and writing', { skip: (BACKEND !== 'sqlite' && 'SQLite on a local disk') || (process.getuid?.() !== 0 && 'needs root to mount a tmpfs') }, async (t) => {
  const disk = tinyDisk(t);
  const server = await startServer({ dir: disk, env: { IDENTITY_MFA_DB: `sqlite:${join(disk, 'mfa.db')}` } });
  t.after(() => server.close());
  const ada = await userSession(server);
  assert.equal((await server.request('GET', '/health/ready')).status, 200);
  fill(join(disk, 'filler'));
  assert.equal((await server.request('GET', '/health/ready')).status, 503);
  const refused = await ada.setup('app');
  assert.deepStrictEqual([refused.status, refused.json.code], [500, 'IDE-0045']);
  assert.deepStrictEqual((await ada.status()).json.pending, [], 'nothing half-done');
  rmSync(join(disk, 'filler'));
  assert.equal((await server.request('GET', '/health/ready')).status, 200);
  assert.equal((await ada.setup('app')).status, 200);
  // The write-ahead log stays bounded by itself.
  const wal = statSync(join(disk, 'mfa.db-wal')).size;
  assert.ok(wal <= 1_100_000, `${wal} bytes of WAL`);
});
