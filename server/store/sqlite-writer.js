// The SQLite writer thread: commits groups of changes on its own connection,
// so the fsync of a durable commit never blocks the event loop that serves
// requests (measured: a third of a write request's time, docs/performance.md).
import { parentPort, workerData } from 'node:worker_threads';
import { groupTransaction, openConnection } from './sqlite-connection.js';

const db = openConnection(workerData.path);
const runGroup = groupTransaction(db);

parentPort.on('message', ({ id, group }) => {
  try {
    parentPort.postMessage({ id, results: runGroup(group) });
  } catch (error) {
    parentPort.postMessage({ id, error: error.message }); // the group rolled back: nothing half-written
  }
});
parentPort.on('close', () => db.close());
