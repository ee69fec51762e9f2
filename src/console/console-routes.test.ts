import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerErrorHandler } from '../server/error-handler.ts';
import { registerConsoleRoutes } from './console-routes.ts';

describe('console static files', () => {
  let app: FastifyInstance;
  let dist: string;
  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'godwit-console-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Godwit console</title>');
    writeFileSync(join(dist, 'assets', 'app-1234.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
    app = Fastify();
    registerErrorHandler(app);
    registerConsoleRoutes(app, { dist });
    app.get('/v1/known', async () => ({ ok: true }));
  });
  after(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and for every page path, uncached', async () => {
    for (const url of ['/', '/customers/c1', '/journeys/onboarding?tab=graph']) {
      const reply = await app.inject({ url });
      assert.equal(reply.statusCode, 200, url);
      assert.match(reply.body, /Godwit console/);
      assert.equal(reply.headers['cache-control'], 'no-cache');
    }
  });

  it('serves hashed assets for a year, gzipped when the browser accepts it', async () => {
    const plain = await app.inject({ url: '/assets/app-1234.js' });
    assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.match(String(plain.headers['cache-control']), /immutable/);
    const gzipped = await app.inject({ url: '/assets/app-1234.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assert.ok(gzipped.rawPayload.length < plain.rawPayload.length / 10);
  });

  it('keeps JSON 404s for API paths, missing assets and paths outside the build', async () => {
    assert.equal((await app.inject({ url: '/%E0%A4%A' })).statusCode, 400, 'a malformed escape');
    for (const url of ['/v1/unknown', '/assets/missing.js', '/..%2f..%2fetc%2fpasswd']) {
      const reply = await app.inject({ url });
      assert.equal(reply.statusCode, 404, url);
      assert.equal(reply.json().error.code, 'not_found');
    }
    assert.equal((await app.inject({ url: '/v1/known' })).statusCode, 200);
  });
});
