import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const WEB_NOT_BUILT_MESSAGE = 'Parley web app is not built: run npm run build';

/**
 * Serves the built web app from `webDist`. Client-side routes (`/r/<room>`)
 * get index.html (SPA fallback); a missing asset (`/assets/x.js`) stays a 404
 * so the browser does not try to run HTML as JavaScript. Whether index.html
 * exists is checked per request, so rebuilding the app needs no restart
 * (creating WEB_DIST for the first time does).
 */
export async function registerWebApp(fastify: FastifyInstance, webDist: string): Promise<void> {
  const indexFile = join(webDist, 'index.html');
  const hasDir = existsSync(webDist) && statSync(webDist).isDirectory();

  if (hasDir) {
    await fastify.register(fastifyStatic, {
      root: webDist,
      wildcard: true,
      index: ['index.html'],
      setHeaders(res, filePath) {
        // Vite puts content-hashed files under assets/: they never change.
        if (filePath.includes(`${join(webDist, 'assets')}`)) {
          void res.header('cache-control', 'public, max-age=31536000, immutable');
        } else {
          void res.header('cache-control', 'no-cache');
        }
      },
    });
  }

  fastify.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '/';
    const isPage =
      (req.method === 'GET' || req.method === 'HEAD') &&
      !path.startsWith('/socket.io/') &&
      !(path.split('/').at(-1) ?? '').includes('.');
    if (!isPage) {
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    }
    // Without the directory at start-up no static handler exists: restart after building.
    if (!hasDir || !existsSync(indexFile)) {
      return reply.code(503).type('text/plain; charset=utf-8').send(WEB_NOT_BUILT_MESSAGE);
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', webDist);
  });
}
