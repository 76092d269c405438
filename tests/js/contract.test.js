// The contract's one table (contract/api.mjs) and what is generated from it:
// the OpenAPI document is valid for a third-party validator, its examples
// match their schemas, and its request schemas accept exactly the bodies the
// core accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import * as mfa from 'identity-mfa';
import { ENDPOINTS, ROUTES, USER_ENDPOINTS } from 'identity-mfa/contract';
import { ERRORS, OPERATIONS, USER_OPERATIONS } from '../../contract/api.mjs';
import { loadVectors, caseBody } from './support/vectors.js';

const file = new URL('../../server/openapi.json', import.meta.url);
const doc = JSON.parse(readFileSync(file, 'utf8'));

function schemaValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  return (name) => ajv.getSchema(`openapi#/components/schemas/${name}`);
}

test('server/openapi.json is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
  const api = await SwaggerParser.validate(structuredClone(doc));
  assert.equal(api.openapi, '3.1.0');
  // The validator does refuse a broken document: a dangling $ref.
  const broken = structuredClone(doc);
  broken.paths['/v1/users/{id}/mfa'].get.responses[200].content['application/json'].schema.$ref = '#/components/schemas/Nope';
  await assert.rejects(SwaggerParser.validate(broken));
});

test('every operation has an operationId, security, and response content', () => {
  const ids = new Set();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      assert.ok(operation.operationId, `${method} ${path}`);
      assert.ok(!ids.has(operation.operationId), `unique operationId ${operation.operationId}`);
      ids.add(operation.operationId);
      assert.ok(Array.isArray(operation.security), `${method} ${path} states its security`);
      if (!path.startsWith('/v1/')) assert.deepStrictEqual(operation.security, [], `${method} ${path} is public`);
      for (const [status, response] of Object.entries(operation.responses)) {
        assert.ok(response.content, `${method} ${path} ${status} has content`);
      }
    }
  }
  assert.ok(doc.servers.length > 0);
  assert.equal(doc.info.license.identifier, 'MIT');
});

test('every documented example matches its schema', () => {
  const schema = schemaValidator();
  let examples = 0;
  for (const item of Object.values(doc.paths)) {
    for (const operation of Object.values(item)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const media of Object.values(response.content ?? {})) {
          for (const [name, example] of Object.entries(media.examples ?? {})) {
            const validate = schema(media.schema.$ref.split('/').pop());
            assert.ok(validate(example.value), `${operation.operationId} ${status} ${name}: ${JSON.stringify(validate.errors)}`);
            assert.equal(ERRORS.find((e) => e.code === example.value.code).status, status === '413' ? 400 : Number(status));
            examples++;
          }
        }
      }
    }
  }
  assert.ok(examples > 50, `${examples} examples`);
});

test('the routes, operations and catalog come from the table', () => {
  assert.deepStrictEqual(ENDPOINTS.map((e) => e.operation), OPERATIONS.map((op) => op.name));
  assert.deepStrictEqual(USER_ENDPOINTS.map((e) => e.operation), USER_OPERATIONS.map((op) => op.name));
  assert.deepStrictEqual(ROUTES, [...OPERATIONS, ...USER_OPERATIONS].filter((op) => op.body).map((op) => op.name));
  assert.deepStrictEqual(mfa.catalog.map((e) => e.code), ERRORS.map((e) => e.code));
  for (const e of [...ENDPOINTS, ...USER_ENDPOINTS]) assert.ok(doc.paths[e.path][e.method.toLowerCase()], `${e.method} ${e.path} documented`);
});

// A request schema and the core agree on every vector whose body JSON.parse
// reads as the core does: one object, valid UTF-8, within the limit, no
// duplicate keys and no syntax error (which the schema cannot see).
test('each request schema accepts exactly the vector bodies the core accepts', () => {
  const schema = schemaValidator();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let compared = 0;
  for (const vectors of ['validate-enable.json', 'validate-routes.json']) {
    for (const c of loadVectors(vectors).cases) {
      const { expect } = c;
      if (!expect.ok && (expect.status === 413 || (expect.code === 'IDE-0007' && !expect.fields))) continue;
      if (!expect.ok && Object.values(expect.fields ?? {}).includes('duplicate field')) continue;
      let body;
      try {
        body = JSON.parse(decoder.decode(caseBody(c)));
      } catch {
        continue;
      }
      const op = [...OPERATIONS, ...USER_OPERATIONS].find((o) => o.name === c.route);
      const name = doc.paths[op.path][op.method.toLowerCase()].requestBody;
      const validate = schema(name.content['application/json'].schema.$ref.split('/').pop());
      assert.equal(validate(body), expect.ok, `${c.route}: ${c.name}: schema ${validate(body)}, core ${expect.ok}`);
      compared++;
    }
  }
  assert.ok(compared > 150, `${compared} vectors compared`);
});
