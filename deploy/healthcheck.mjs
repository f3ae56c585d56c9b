// Container health probe: `node deploy/healthcheck.mjs [/path]` exits 0 when
// GET http(s)://127.0.0.1:$PORT/path answers 2xx within 2 s, 1 otherwise.
// An HTML answer fails too: that is the web app's SPA fallback, i.e. the
// server has no such endpoint.
// The runtime image has no curl; node is there anyway. With TLS_CERT set the
// server speaks HTTPS on PORT, and its certificate (for the public name) is
// not checked: this only asks whether the local process answers.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const path = process.argv[2] ?? '/healthz';
const port = Number(process.env.PORT?.trim() || 3000);
const tls = (process.env.TLS_CERT ?? '').trim() !== '';
const request = tls ? httpsRequest : httpRequest;

const req = request(
  { host: '127.0.0.1', port, path, method: 'GET', timeout: 2000, rejectUnauthorized: false },
  (res) => {
    res.resume();
    const status = res.statusCode ?? 0;
    const html = (res.headers['content-type'] ?? '').startsWith('text/html');
    if (status < 200 || status > 299) console.error(`${path}: HTTP ${status}`);
    else if (html) console.error(`${path}: got the web app, not a health endpoint`);
    process.exit(status >= 200 && status <= 299 && !html ? 0 : 1);
  },
);
req.on('timeout', () => req.destroy(new Error('timed out after 2000 ms')));
req.on('error', (err) => {
  console.error(`${path}: ${err.message}`);
  process.exit(1);
});
req.end();
