// GET /openapi.json: the document scripts/generate.mjs writes from the
// contract's table (contract/api.mjs), read once.
import { readFileSync } from 'node:fs';

const text = readFileSync(new URL('./openapi.json', import.meta.url), 'utf8');

/** The OpenAPI 3.1 document of every route, body, response and error (a fresh copy). */
export function openApiDocument() {
  return JSON.parse(text);
}

/** The same as the exact text served. */
export function openApiText() {
  return text;
}
