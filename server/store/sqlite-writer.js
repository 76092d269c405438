// The SQLite writer thread: runs every write on its own connection, so the
// fsync of a durable commit never blocks the event loop that serves requests
// (measured: a third of a write request's main-thread time when it ran there).
//
// Group commit: when the thread takes a message, it also takes every message
// already waiting behind it (receiveMessageOnPort), and consecutive groups of
// changes (or of writes to decide, server/decisions.js) become one
// transaction with one fsync. What arrives while that
// commits is the next one's: the thread never waits on the event loop for
// work that is already sent, and a busier server makes fewer, larger commits.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openConnection, writeOperations } from './sqlite-connection.js';

const db = openConnection(workerData.path);
const operations = writeOperations(db);

function run({ id, op, args }) {
  try {
    parentPort.postMessage({ id, result: operations[op](...args) });
  } catch (error) {
    parentPort.postMessage({ id, error: error.message }); // the transaction rolled back: nothing half-written
  }
}

// Several 'group' messages as one transaction; each message gets its own results.
function runGroups(messages) {
  if (messages.length === 0) return;
  if (messages.length === 1) return run(messages[0]);
  let results;
  try {
    results = operations.group(messages.flatMap(({ args }) => args[0]));
  } catch (error) {
    for (const { id } of messages) parentPort.postMessage({ id, error: error.message });
    return;
  }
  let at = 0;
  for (const { id, args } of messages) {
    parentPort.postMessage({ id, result: results.slice(at, at + args[0].length) });
    at += args[0].length;
  }
}

parentPort.on('message', (first) => {
  const waiting = [first];
  for (let next = receiveMessageOnPort(parentPort); next; next = receiveMessageOnPort(parentPort)) waiting.push(next.message);
  let groups = [];
  for (const message of waiting) {
    if (message.op === 'group') {
      groups.push(message);
      continue;
    }
    runGroups(groups); // in the order they were sent
    groups = [];
    run(message);
  }
  runGroups(groups);
});
parentPort.on('close', () => db.close());
