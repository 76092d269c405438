// `identity-mfa users import <file>`: users from the identity provider, as
// JSON Lines ({"id", "username", "email"?, "phone"?} per line) or CSV with a
// header naming those columns. Each row is checked exactly as a PUT
// /v1/users/{id} body is (by the core), then upserted in batches of one
// transaction each. A bad row is reported with its line number and skipped;
// the others go in. Running the same file again changes nothing.
import { createReadStream } from 'node:fs';
import { checkUser } from './users.js';
import { UUID } from './uuid.js';

const COLUMNS = ['id', 'username', 'email', 'phone'];
const BATCH = 1000;

/**
 * A file's rows, whatever its format: { line, fields } or { line, error }.
 * `tally.bytes` counts what has been read (for a progress bar).
 */
export async function* readRows(path, format = formatOf(path), tally = { bytes: 0 }) {
  if (format === 'csv') yield* csvRows(chunks(path, tally));
  else if (format === 'jsonl') yield* jsonRows(chunks(path, tally));
  else throw new ImportError(`unknown format "${format}": use csv or jsonl`);
}

export class ImportError extends Error {}

function formatOf(path) {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl';
  throw new ImportError(`cannot tell the format of ${path} from its name: add --format csv or --format jsonl`);
}

async function* chunks(path, tally) {
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    tally.bytes += Buffer.byteLength(chunk);
    yield chunk;
  }
}

async function* lines(source) {
  let rest = '';
  let line = 0;
  for await (const chunk of source) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    for (const text of parts) yield { line: ++line, text: text.replace(/\r$/, '') };
  }
  if (rest !== '') yield { line: ++line, text: rest.replace(/\r$/, '') };
}

async function* jsonRows(source) {
  for await (const { line, text } of lines(source)) {
    if (text.trim() === '') continue;
    let row;
    try {
      row = JSON.parse(text);
    } catch {
      yield { line, error: 'not valid JSON' };
      continue;
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) yield { line, error: 'not a JSON object' };
    else yield { line, fields: row };
  }
}

// RFC 4180 records: fields in double quotes may hold commas, quotes (doubled)
// and line breaks; a record's line number is the line it starts on.
async function* csvRecords(source) {
  let field = '';
  let record = [];
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let start = 1;
  let any = false;
  for await (const chunk of source) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (quoted) {
        if (c === '"') {
          if (chunk[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            quoted = false;
            afterQuote = true;
          }
        } else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (c === '"' && field === '' && !afterQuote) {
        quoted = true;
        any = true;
      } else if (c === ',') {
        record.push(field);
        field = '';
        afterQuote = false;
        any = true;
      } else if (c === '\n') {
        record.push(field.replace(/\r$/, ''));
        if (any || record.length > 1 || record[0] !== '') yield { line: start, values: record };
        record = [];
        field = '';
        afterQuote = false;
        any = false;
        start = ++line;
      } else {
        field += c;
        any = true;
      }
    }
  }
  if (quoted) throw new ImportError(`line ${start}: a quoted field is never closed`);
  if (any || field !== '') {
    record.push(field.replace(/\r$/, ''));
    yield { line: start, values: record };
  }
}

async function* csvRows(source) {
  let header = null;
  for await (const { line, values } of csvRecords(source)) {
    if (!header) {
      header = values.map((name) => name.trim());
      const unknown = header.filter((name) => !COLUMNS.includes(name));
      if (unknown.length || !header.includes('id') || !header.includes('username') || new Set(header).size !== header.length) {
        throw new ImportError(`line ${line}: the header must name the columns id, username and optionally email, phone (once each); it has: ${header.join(', ')}`);
      }
      continue;
    }
    if (values.length !== header.length) {
      yield { line, error: `${values.length} fields where the header has ${header.length}` };
      continue;
    }
    yield { line, fields: Object.fromEntries(header.map((name, i) => [name, values[i]])) };
  }
}

/** A row as a user, or the reason it is refused: the core's answer to it as a PUT body. */
export function checkRow({ id, ...body }) {
  if (typeof id !== 'string' || !UUID.test(id)) return { error: 'id must be a UUID' };
  const { user, error } = checkUser(id, JSON.stringify(body));
  if (user) return { user };
  const fields = Object.entries(error.error.fields ?? {}).map(([name, reason]) => `${name} ${reason}`);
  return { error: fields.length ? fields.join('; ') : error.error.message };
}

/**
 * Imports a file into `store`. `onProgress({rows, bytes})` after each batch;
 * `onRejected({line, error})` for each bad row. Resolves to the counts.
 */
export async function importUsers(store, path, { format, by = {}, onProgress, onRejected } = {}) {
  const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const tally = { bytes: 0 };
  let batch = [];
  let read = 0;
  const flush = async () => {
    if (!batch.length) return;
    for (const outcome of await store.putUsers(batch, by)) counts[outcome]++;
    batch = [];
    onProgress?.({ rows: read, bytes: tally.bytes });
  };
  for await (const row of readRows(path, format, tally)) {
    read++;
    const checked = row.error ? row : checkRow(row.fields);
    if (checked.error) {
      counts.rejected++;
      onRejected?.({ line: row.line, error: checked.error });
      continue;
    }
    batch.push(checked.user);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return counts;
}
