import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { homePage } from '../server/home-page.ts';
import { CONSOLE_DIST } from './console-build.ts';

/**
 * Serves the built console at `/`: its files by path (hashed assets cached for a year), and
 * index.html for every other page path so the app's own routes load on refresh. API paths keep
 * their JSON 404s. Without a build, the plain start page says how to send a first event.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
const API_PREFIXES = ['/v1/', '/analytics.js/', '/metrics', '/healthz'];

interface Asset {
  body: Buffer;
  gzipped?: Buffer;
}

export function registerConsoleRoutes(app: FastifyInstance, options: { dist?: string } = {}): void {
  const dist = options.dist ?? CONSOLE_DIST;
  // Files never change under a running server (a new build means a restart), so each is read and compressed once.
  const cache = new Map<string, Promise<Asset | undefined>>();
  const load = (path: string) => {
    let asset = cache.get(path);
    if (!asset) {
      asset = readAsset(path);
      cache.set(path, asset);
    }
    return asset;
  };

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    // Fastify has already refused a malformed %-escape with a 400.
    const path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    if (API_PREFIXES.some((prefix) => path.startsWith(prefix))) return reply.callNotFound();
    const file = normalize(join(dist, path));
    if (!file.startsWith(dist + sep) && file !== dist) return reply.callNotFound();
    const asset = path !== '/' ? await load(file) : undefined;
    if (asset) {
      const immutable = path.startsWith('/assets/');
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return send(request, reply.type(TYPES[extname(file)] ?? 'application/octet-stream'), asset);
    }
    if (extname(path)) return reply.callNotFound();
    const index = await load(join(dist, 'index.html'));
    reply.header('cache-control', 'no-cache').type(TYPES['.html'] as string);
    return index ? send(request, reply, index) : reply.send(homePage());
  };
  app.get('/', serve);
  app.get('/*', serve);
}

async function readAsset(path: string): Promise<Asset | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const body = await readFile(path);
  const compressible = /\.(html|js|css|svg|json)$/.test(path) && body.length > 1024;
  return { body, gzipped: compressible ? gzipSync(body) : undefined };
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  reply.header('vary', 'accept-encoding');
  if (asset.gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  }
  return reply.send(asset.body);
}
