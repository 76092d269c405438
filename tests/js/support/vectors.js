// The shared vectors for the node:test suites: loaded from tests/vectors/,
// run by tests/vectors/run.js (which the browser page runs too).
import { readFileSync } from 'node:fs';

const dir = new URL('../../vectors/', import.meta.url);
export const loadVectors = (name) => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
export * from '../../vectors/run.js';
