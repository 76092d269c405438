// The SQLite writer thread: runs every write on its own connection, so the
// fsync of a durable commit never blocks the event loop that serves requests
// (measured: a third of a write request's main-thread time when it ran there).
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection, writeOperations } from './sqlite-connection.js';

const db = openConnection(workerData.path);
const operations = writeOperations(db);

parentPort.on('message', ({ id, op, args }) => {
  try {
    parentPort.postMessage({ id, result: operations[op](...args) });
  } catch (error) {
    parentPort.postMessage({ id, error: error.message }); // the transaction rolled back: nothing half-written
  }
});
parentPort.on('close', () => db.close());
