// Helpers for the interop suite: start a roomd child process, connect to it
// with the real jsxapi client or with a raw `ws` socket speaking JSON-RPC by
// hand, and keep a log of every frame so that a failure shows the wire.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import WebSocket from 'ws';
import jsxapi from 'jsxapi';
import wsBackendModule from 'jsxapi/lib/backend/ws.js';

const WSBackend = wsBackendModule.default ?? wsBackendModule;

export const INTEROP_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(INTEROP_DIR, '..', '..');

const START_TIMEOUT_MS = Number(process.env.ROOMD_START_TIMEOUT_MS || 30000);
const STDERR_KEEP = 64 * 1024;

/** Path of the roomd binary: $ROOMD_BIN, or target/debug/roomd of this repo. */
export function roomdBin() {
  const fromEnv = process.env.ROOMD_BIN;
  if (fromEnv) return path.resolve(process.cwd(), fromEnv);
  return path.resolve(INTEROP_DIR, '../../target/debug/roomd');
}

/**
 * Start roomd on free ports with a fresh data directory.
 * Resolves with { port, url, adminPassword, listening, stderr(), kill() }
 * once stdout has printed `listening http 127.0.0.1:PORT`.
 */
export async function startRoomd({ adminPassword, extraArgs = [] } = {}) {
  const password = adminPassword ?? `pw-${randomBytes(6).toString('hex')}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roomd-interop-'));
  const bin = roomdBin();
  const args = [
    'run',
    '--http-port', '0',
    '--sip-port', '0',
    '--data', dataDir,
    '--admin-password', password,
    ...extraArgs,
  ];

  const child = spawn(bin, args, {
    cwd: REPO_ROOT, // the default --board (boards/sim.toml) is relative to the repo root
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });

  let stderrBuf = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderrBuf += chunk;
    if (stderrBuf.length > STDERR_KEEP) stderrBuf = stderrBuf.slice(-STDERR_KEEP);
  });
  const stdoutLines = [];
  const listening = {};

  let exited = null;
  let spawnError = null;
  const exitP = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    // e.g. ENOENT: no such binary; 'exit' may never come then
    child.on('error', (err) => {
      spawnError = err;
      if (!exited) exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });

  const stderr = () => stderrBuf;
  const describe = () =>
    `roomd: ${bin} ${args.join(' ')}\n` +
    `stdout:\n${stdoutLines.join('\n')}\n` +
    `stderr (tail):\n${stderrBuf.slice(-8000)}`;

  let killed = false;
  const kill = async () => {
    if (killed) return exitP;
    killed = true;
    if (!exited && !spawnError) {
      child.kill('SIGTERM');
      const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 3000);
      await exitP;
      clearTimeout(t);
    }
    await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    return exited;
  };

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`roomd did not print "listening http ..." within ${START_TIMEOUT_MS} ms\n${describe()}`));
    }, START_TIMEOUT_MS);
    exitP.then((e) => {
      clearTimeout(timer);
      if (spawnError) {
        reject(new Error(`cannot start roomd (${spawnError.message}); build it or set ROOMD_BIN\n${describe()}`));
      } else {
        reject(new Error(`roomd exited early (code ${e.code}, signal ${e.signal})\n${describe()}`));
      }
    });
    // Keep reading stdout for the whole life of the child so it never blocks.
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      stdoutLines.push(line);
      if (stdoutLines.length > 200) stdoutLines.shift();
      const m = /^listening (\S+) (\S+)$/.exec(line.trim());
      if (!m) return;
      listening[m[1]] = m[2];
      if (m[1] === 'http') {
        const am = /^127\.0\.0\.1:(\d+)$/.exec(m[2]);
        if (!am) {
          clearTimeout(timer);
          reject(new Error(`unexpected http address in "${line}" (want 127.0.0.1:PORT)\n${describe()}`));
          return;
        }
        clearTimeout(timer);
        resolve(Number(am[1]));
      }
    });
  }).catch(async (err) => {
    await kill();
    throw err;
  });

  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    adminPassword: password,
    listening,
    dataDir,
    /** {code, signal} if roomd exited on its own before kill(), else null */
    crashed: () => (killed ? null : exited),
    stderr,
    describe,
    kill,
  };
}

// ---------------------------------------------------------------------------
// Wire log

/** A log of frames seen on one connection, for failure messages. */
export class WireLog {
  constructor(label) {
    this.label = label;
    this.lines = [];
  }

  out(frame) { this.lines.push(`> ${typeof frame === 'string' ? frame : JSON.stringify(frame)}`); }

  in(frame) { this.lines.push(`< ${typeof frame === 'string' ? frame : JSON.stringify(frame)}`); }

  note(text) { this.lines.push(`# ${text}`); }

  toString() { return `[${this.label}]\n${this.lines.join('\n')}`; }
}

// ---------------------------------------------------------------------------
// jsxapi connections

/** Attach a wire log to a jsxapi XAPI object (wraps its backend). */
function tapXapi(xapi, log) {
  const backend = xapi.backend; // private in TypeScript, a plain property at run time
  const execute = backend.execute.bind(backend);
  backend.execute = (request) => {
    log.out(request);
    return execute(request);
  };
  backend.prependListener('data', (data) => log.in(data)); // before jsxapi's own handler
  return xapi;
}

/**
 * Wait until a jsxapi XAPI object is ready, or reject on its first 'error'.
 * The 'error' listener stays attached so a later close does not throw.
 */
function waitReady(xapi, log, timeoutMs = 10000) {
  const errors = [];
  xapi.on('error', (err) => {
    errors.push(err);
    log.note(`xapi 'error': ${err && err.message ? err.message : String(err)}`);
  });
  xapi.on('close', () => log.note('xapi close'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`jsxapi not ready within ${timeoutMs} ms`)), timeoutMs);
    xapi.once('ready', () => { clearTimeout(timer); log.note('xapi ready'); resolve(xapi); });
    xapi.once('error', (err) => {
      clearTimeout(timer);
      const e = err instanceof Error ? err : new Error(String(err));
      e.xapiErrors = errors;
      reject(e);
    });
  });
}

/**
 * The real client: jsxapi.connect('ws://127.0.0.1:PORT', {username, password}).
 * jsxapi's Node WS transport authenticates with the `auth-<base64url>` subprotocol.
 * Returns { xapi, log, ready } where ready is a promise (resolves on 'ready').
 */
export function jsxapiConnect(url, username, password, label = `jsxapi ${username}`) {
  const log = new WireLog(label);
  log.note(`jsxapi.connect(${JSON.stringify(url)}, {username: ${JSON.stringify(username)}, password})`);
  const xapi = jsxapi.connect(url, { username, password });
  tapXapi(xapi, log);
  const ready = waitReady(xapi, log);
  ready.catch(() => {}); // callers that care await it
  return { xapi, log, ready };
}

/**
 * jsxapi over a WebSocket we opened ourselves (e.g. with an Authorization
 * header): new XAPI(new WSBackend(ws)). The socket must still be CONNECTING.
 */
export function jsxapiOverSocket(ws, log) {
  const xapi = new jsxapi.XAPI(new WSBackend(ws));
  tapXapi(xapi, log);
  const ready = waitReady(xapi, log);
  ready.catch(() => {});
  return { xapi, log, ready };
}

// ---------------------------------------------------------------------------
// Raw JSON-RPC over ws

export function basicAuthHeader(username, password) {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export function authSubprotocol(username, password) {
  const b64 = Buffer.from(`${username}:${password}`).toString('base64');
  return `auth-${b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/**
 * Open a raw WebSocket to `${url}${pathAndQuery}`.
 * auth: { basic: [user, pw] } or { subprotocol: [user, pw] } or none.
 * Resolves with a RawClient once open; rejects with an Error carrying
 * .statusCode if the server answered the upgrade with a non-101 status.
 */
export function rawConnect(url, { path: p = '/ws', basic, subprotocol, label } = {}) {
  const target = `${url}${p}`;
  const log = new WireLog(label ?? `raw ${target}`);
  const headers = {};
  if (basic) headers.Authorization = basicAuthHeader(...basic);
  const protocols = subprotocol ? [authSubprotocol(...subprotocol)] : undefined;
  log.note(`GET ${p}${basic ? ' Authorization: Basic <user:pw>' : ''}${protocols ? ` Sec-WebSocket-Protocol: ${protocols[0]}` : ''}`);
  const ws = new WebSocket(target, protocols, { headers });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (req, res) => {
      log.note(`upgrade answered HTTP ${res.statusCode} ${res.statusMessage}`);
      const err = new Error(`upgrade refused: HTTP ${res.statusCode}`);
      err.statusCode = res.statusCode;
      err.log = log;
      res.resume();
      req.destroy();
      reject(err);
    });
    ws.once('error', (err) => {
      log.note(`ws error: ${err.message}`);
      err.log = log;
      reject(err);
    });
    ws.once('open', () => {
      log.note(`open (101), protocol=${JSON.stringify(ws.protocol)}`);
      resolve(new RawClient(ws, log));
    });
  });
}

/** Build a fresh CONNECTING socket with a Basic header (for handing to jsxapi). */
export function rawSocket(url, { path: p = '/ws', basic } = {}) {
  const headers = {};
  if (basic) headers.Authorization = basicAuthHeader(...basic);
  return new WebSocket(`${url}${p}`, undefined, { headers });
}

export class RawClient {
  constructor(ws, log) {
    this.ws = ws;
    this.log = log;
    this.protocol = ws.protocol;
    this.messages = []; // every parsed inbound message
    this.waiters = [];
    this.closed = null;
    ws.on('message', (data, isBinary) => {
      const text = data.toString('utf8');
      log.in(isBinary ? `(binary) ${text}` : text);
      let msg;
      try {
        msg = JSON.parse(text);
      } catch (e) {
        msg = { __unparsable: text };
      }
      this.messages.push(msg);
      this.waiters = this.waiters.filter((w) => {
        if (w.pred(msg)) { w.resolve(msg); return false; }
        return true;
      });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      log.note(`close ${code} ${reason}`);
      for (const w of this.waiters) w.reject(new Error(`socket closed (${code}) while waiting`));
      this.waiters = [];
    });
  }

  sendRaw(text) {
    this.log.out(text);
    this.ws.send(text);
  }

  /** Wait for the first message (already received or future) matching pred. */
  waitFor(pred, timeoutMs = 5000, what = 'message') {
    const have = this.messages.find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve, reject };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      w.resolve = (m) => { clearTimeout(timer); resolve(m); };
      w.reject = (e) => { clearTimeout(timer); reject(e); };
      this.waiters.push(w);
    });
  }

  /** Send a JSON-RPC request and resolve with the whole response object. */
  request(id, method, params, timeoutMs = 5000) {
    const req = { jsonrpc: '2.0', id, method };
    if (params !== undefined) req.params = params;
    const matches = (m) => m && m.method === undefined && m.id !== undefined &&
      (m.id === id || (typeof m.id !== typeof id && String(m.id) === String(id)));
    this.sendRaw(JSON.stringify(req));
    return this.waitFor(matches, timeoutMs, `response to id ${JSON.stringify(id)}`);
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(1000);
    }
  }
}

// ---------------------------------------------------------------------------
// Test plumbing

/**
 * Run fn(ctx) and, if it throws, append every wire log registered with
 * ctx.wire(log) and roomd's stderr tail to the error message.
 */
export function withWire(device, fn) {
  return async (t) => {
    const logs = [];
    const cleanups = [];
    const ctx = {
      t,
      wire(log) { logs.push(log); return log; },
      cleanup(f) { cleanups.push(f); },
      jsx(user, pw, label, target) {
        const c = jsxapiConnect((target ?? device()).url, user, pw, label);
        logs.push(c.log);
        cleanups.push(() => c.xapi.close());
        return c;
      },
      async raw(opts = {}) {
        try {
          const c = await rawConnect(device().url, opts);
          logs.push(c.log);
          cleanups.push(() => c.close());
          return c;
        } catch (err) {
          if (err.log) logs.push(err.log);
          throw err;
        }
      },
    };
    try {
      await fn(ctx);
    } catch (err) {
      const wire = logs.map((l) => l.toString()).join('\n\n');
      const extra = `\n--- wire ---\n${wire}\n--- roomd stderr (tail) ---\n${device() ? device().stderr().slice(-4000) : '(not started)'}`;
      if (err && typeof err === 'object' && !(err instanceof Error)) {
        // jsxapi rejects with the bare JSON-RPC error object
        const e = new Error(`rejected with ${JSON.stringify(err)}${extra}`);
        throw e;
      }
      if (err instanceof Error) {
        err.message += extra;
        throw err;
      }
      throw new Error(`${String(err)}${extra}`);
    } finally {
      for (const c of cleanups.reverse()) {
        try { await c(); } catch { /* ignore */ }
      }
    }
  };
}

/** Start roomd in before(), kill it in after(); returns a getter for the device. */
export function useRoomd({ before, after }, opts) {
  let device = null;
  before(async () => { device = await startRoomd(opts); });
  after(async () => {
    if (!device) return;
    const crashed = device.crashed();
    await device.kill();
    if (crashed) {
      throw new Error(`roomd exited during the tests (code ${crashed.code}, signal ${crashed.signal})\n${device.describe()}`);
    }
  });
  return () => device;
}

/**
 * A listener that records its calls; `await cb.wait(ms)` resolves with the
 * arguments of the next call not yet consumed, or rejects after ms.
 */
export function recorder(what = 'callback', defaultTimeoutMs = 3000) {
  const calls = [];
  let consumed = 0;
  let waiting = null;
  const cb = (...args) => {
    calls.push(args);
    if (waiting) waiting();
  };
  cb.calls = calls;
  cb.wait = (ms = defaultTimeoutMs) => new Promise((resolve, reject) => {
    if (calls.length > consumed) { resolve(calls[consumed++]); return; }
    const timer = setTimeout(() => {
      waiting = null;
      reject(new Error(`${what} not called within ${ms} ms`));
    }, ms);
    waiting = () => {
      waiting = null;
      clearTimeout(timer);
      resolve(calls[consumed++]);
    };
  });
  return cb;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Await a promise expected to reject; return the rejection value (fail if it resolves). */
export async function rejection(promise, what) {
  let value;
  try {
    value = await promise;
  } catch (err) {
    return err;
  }
  let shown;
  try { shown = JSON.stringify(value); } catch { shown = String(value); }
  if (value && typeof value.close === 'function') value.close();
  throw new Error(`${what}: expected a rejection, but it resolved with ${shown}`);
}

/** Polls `check` (sync or async) until it gives something truthy, failing after `ms`. */
export async function waitFor(what, check, ms = 10000) {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - start >= ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}
