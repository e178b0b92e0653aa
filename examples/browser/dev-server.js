// A minimal static server for the browser example, doing what a bundler's dev server does for ES modules: it serves
// the repository's files, fills the page's import map from the packages' `exports`, and resolves the extensionless
// relative imports some packages ship (rxjs's ES build) to their `.js` files. Loopback only; GET and HEAD only.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const PAGE = '/examples/browser/index.html';
const CONDITIONS = new Set(['browser', 'import', 'module', 'es2015', 'default']);
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.css': 'text/css',
};

/** The target of a package's `exports` entry under browser conditions, in the map's own key order. */
function pick(target) {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const entry of target) {
      const found = pick(entry);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (target !== null && typeof target === 'object') {
    for (const [condition, value] of Object.entries(target)) {
      if (!CONDITIONS.has(condition)) continue;
      const found = pick(value);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function packageDir(name, from) {
  if (name === require(path.join(ROOT, 'package.json')).name) return ROOT;
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`dev-server: cannot find the package ${name} from ${from}`);
  }
}

function isInstalled(name, from) {
  try {
    packageDir(name, from);
    return true;
  } catch {
    return false;
  }
}

/** Import map entries for a package (every subpath it exports, wildcards aside) and, recursively, its dependencies. */
function addPackage(imports, name, from, seen) {
  if (seen.has(name)) return;
  seen.add(name);
  const dir = packageDir(name, from);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const exportsMap =
    pkg.exports === undefined
      ? { '.': pkg.module ?? pkg.main ?? './index.js' }
      : typeof pkg.exports === 'string' ||
          Array.isArray(pkg.exports) ||
          !Object.keys(pkg.exports).some((key) => key.startsWith('.'))
        ? { '.': pkg.exports }
        : pkg.exports;
  for (const [subpath, target] of Object.entries(exportsMap)) {
    if (subpath.includes('*') || subpath.endsWith('/') || subpath === './package.json') continue;
    const file = pick(target);
    if (file === undefined || !/\.(m?js)$/.test(file)) continue;
    const url = `/${path.relative(ROOT, path.join(dir, file)).split(path.sep).join('/')}`;
    imports[subpath === '.' ? name : `${name}/${subpath.slice(2)}`] = url;
  }
  const dependencies = { ...pkg.dependencies, ...pkg.peerDependencies };
  const optional = pkg.peerDependenciesMeta ?? {};
  for (const dependency of Object.keys(dependencies)) {
    // An optional peer (ws's bufferutil, say) is only there when installed: map it if it is.
    if (optional[dependency]?.optional === true && !isInstalled(dependency, dir)) continue;
    addPackage(imports, dependency, dir, seen);
  }
}

/** The import map for the page: responses-rx and everything it imports. */
function importMap() {
  const imports = {};
  addPackage(imports, require(path.join(ROOT, 'package.json')).name, ROOT, new Set());
  return { imports };
}

/** The file a URL path names: as is, else with `.js`, else its `index.js`; undefined outside the repository. */
function resolveFile(urlPath) {
  const file = path.resolve(ROOT, `.${decodeURIComponent(urlPath)}`);
  if (file !== ROOT && !file.startsWith(ROOT + path.sep)) return undefined;
  for (const candidate of [file, `${file}.js`, path.join(file, 'index.js')]) {
    if (fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return undefined;
}

/**
 * Starts the static server.
 * @param {{ port?: number, host?: string }} [options] port 0 (the default) picks a free one.
 * @returns {Promise<{ url: string, pageUrl: string, close(): Promise<void> }>}
 */
async function startDevServer(options = {}) {
  const map = JSON.stringify(importMap(), null, 2);
  const server = http.createServer((request, response) => {
    const urlPath = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (urlPath === '/' || urlPath === '/examples/browser/') {
      response.writeHead(302, { location: PAGE }).end();
      return;
    }
    const file = resolveFile(urlPath);
    if (file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`Not found: ${urlPath}`);
      return;
    }
    let body = fs.readFileSync(file);
    if (urlPath === PAGE) {
      body = body
        .toString('utf8')
        .replace(/<script type="importmap">[\s\S]*?<\/script>/, `<script type="importmap">\n${map}\n</script>`);
    }
    response
      .writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      })
      .end(request.method === 'HEAD' ? undefined : body);
  });
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const url = `http://${host}:${server.address().port}`;
  return {
    url,
    pageUrl: `${url}${PAGE}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

module.exports = { startDevServer, importMap };
