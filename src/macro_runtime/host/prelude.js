// The macro's view of the device: the `xapi` module as RoomOS macros know it (the same object
// as jsxapi), console, timers, btoa/atob, the `storage` module, and CommonJS `require`.
//
// Everything here talks to roomd through `host`, a few native functions, as JSON-RPC 2.0:
// the same protocol as a WebSocket client, with every value a string (legacy typing).
(function (host, macroName) {
  'use strict';

  // ----- JSON-RPC --------------------------------------------------------------------------
  const pending = new Map();
  let nextId = 1;

  class XAPIError extends Error {
    constructor(code, message, data) {
      super(message);
      this.name = 'XAPIError';
      this.code = code;
      if (data !== undefined) this.data = data;
    }
  }

  function rpc(method, params) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      host.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  // ----- paths -----------------------------------------------------------------------------
  // 'Audio Volume', 'Call[3]/Status', ['Call', 3, 'Status'] → ['Audio','Volume'] etc.
  function normalizePath(path) {
    if (Array.isArray(path)) {
      return path.flatMap((p) => (typeof p === 'number' ? [p] : normalizePath(p)));
    }
    return String(path)
      .split(/[\s/\[\]]+/)
      .filter((s) => s.length > 0)
      .map((s) => (/^\d+$/.test(s) ? parseInt(s, 10) : s));
  }

  const ROOTS = { status: 'Status', configuration: 'Configuration', config: 'Configuration',
    event: 'Event', command: 'Command' };

  function withRoot(root, path) {
    const parts = normalizePath(path);
    if (parts.length > 0 && typeof parts[0] === 'string') {
      const known = ROOTS[parts[0].toLowerCase().replace(/^x/, '')];
      if (known === root) return [root, ...parts.slice(1)];
    }
    return [root, ...parts];
  }

  // ----- feedback --------------------------------------------------------------------------
  const subscriptions = new Map(); // Id → dispatch function

  // A property by name, in any case: the exact spelling first (the common case), then a scan.
  function lookup(node, name) {
    if (Object.prototype.hasOwnProperty.call(node, name)) return node[name];
    const want = name.toLowerCase();
    for (const key in node) {
      if (key.toLowerCase() === want) return node[key];
    }
    return undefined;
  }

  // Walks a feedback payload down `path` (from position `i`) and calls `cb` for every match.
  // A list named without an index gives each element; a removed element is delivered as
  // {id, ghost: 'True'}.
  function dig(node, path, i, cb, root) {
    if (i === path.length) {
      if (Array.isArray(node)) node.forEach((e) => cb(e, root));
      else cb(node, root);
      return;
    }
    const head = path[i];
    if (Array.isArray(node)) {
      if (typeof head === 'number') {
        const element = node.find((e) => parseInt(e.id, 10) === head);
        if (element !== undefined) dig(element, path, i + 1, cb, root);
      } else {
        for (const e of node) dig(e, path, i, cb, root);
      }
      return;
    }
    if (node === null || typeof node !== 'object' || typeof head === 'number') return;
    const child = lookup(node, String(head));
    if (child !== undefined) dig(child, path, i + 1, cb, root);
    else if (node.ghost === 'True') cb(node, root);
  }

  function reportError(where, error) {
    host.error(where, error);
  }

  function subscribe(fullPath, cb, once) {
    let id = null;
    let off = false;
    const dispatch = (payload) => {
      if (off) return;
      dig(payload, fullPath, 0, (value, root) => {
        if (off) return;
        if (once) stop();
        try {
          const result = cb(value, root);
          if (result && typeof result.then === 'function') {
            result.then(undefined, (e) => reportError('handler', e));
          }
        } catch (e) {
          reportError('handler', e);
        }
      });
    };
    const registration = rpc('xFeedback/Subscribe', { Query: fullPath }).then((r) => {
      id = r.Id;
      if (off) {
        rpc('xFeedback/Unsubscribe', { Id: id }).catch(() => {});
      } else {
        subscriptions.set(id, dispatch);
      }
      return r;
    });
    registration.catch((e) => reportError(`subscription to ${fullPath.join(' ')}`, e));
    function stop() {
      if (off) return;
      off = true;
      if (id !== null) {
        subscriptions.delete(id);
        rpc('xFeedback/Unsubscribe', { Id: id }).catch(() => {});
      }
    }
    stop.registration = registration;
    stop.off = stop;
    return stop;
  }

  // ----- commands and values ---------------------------------------------------------------
  function command(path, params, body) {
    const parts = normalizePath(path);
    if (typeof params === 'string' || typeof params === 'number') {
      body = String(params);
      params = {};
    }
    const args = Object.assign({}, params || {});
    if (body !== undefined && body !== null) args.body = String(body);
    return rpc('xCommand/' + parts.join('/'), args);
  }

  const get = (root, path) => rpc('xGet', { Path: withRoot(root, path) });
  const set = (path, value) => rpc('xSet', { Path: withRoot('Configuration', path), Value: value });
  const on = (root, path, cb) => subscribe(withRoot(root, path), cb, false);
  const once = (root, path, cb) => subscribe(withRoot(root, path), cb, true);

  // ----- the proxy API: xapi.Status.Audio.Volume.get() -------------------------------------
  function proxy(root, verbs) {
    const build = (path) => {
      const target = function (...args) {
        if (root === 'Command') return command(path, ...args);
        throw new TypeError(`xapi.${root}.${path.join('.')} is not a function`);
      };
      return new Proxy(target, {
        get(_, prop) {
          if (typeof prop === 'symbol' || prop === 'then') return undefined;
          if (Object.prototype.hasOwnProperty.call(verbs, prop)) return verbs[prop](path);
          return build([...path, /^\d+$/.test(prop) ? parseInt(prop, 10) : prop]);
        },
      });
    };
    return build([]);
  }

  const xapi = {
    Command: proxy('Command', {}),
    Status: proxy('Status', {
      get: (p) => () => get('Status', p),
      on: (p) => (cb) => on('Status', p, cb),
      once: (p) => (cb) => once('Status', p, cb),
    }),
    Config: proxy('Configuration', {
      get: (p) => () => get('Configuration', p),
      set: (p) => (value) => set(p, value),
      on: (p) => (cb) => on('Configuration', p, cb),
      once: (p) => (cb) => once('Configuration', p, cb),
    }),
    Event: proxy('Event', {
      on: (p) => (cb) => on('Event', p, cb),
      once: (p) => (cb) => once('Event', p, cb),
    }),
    // The legacy string API.
    command,
    status: {
      get: (path) => get('Status', path),
      on: (path, cb) => on('Status', path, cb),
      once: (path, cb) => once('Status', path, cb),
    },
    config: {
      get: (path) => get('Configuration', path),
      set: (path, value) => set(path, value),
      on: (path, cb) => on('Configuration', path, cb),
      once: (path, cb) => once('Configuration', path, cb),
    },
    event: {
      on: (path, cb) => on('Event', path, cb),
      once: (path, cb) => once('Event', path, cb),
    },
    feedback: {
      on: (path, cb) => subscribe(normalizePath(path), cb, false),
      once: (path, cb) => subscribe(normalizePath(path), cb, true),
      group(handlers) {
        const offs = [...handlers];
        return { add(h) { offs.push(h); return this; }, off() { offs.forEach((o) => o()); } };
      },
    },
    doc: (path) => rpc('xDoc', { Path: normalizePath(path), Type: 'Schema' }),
    version: 'roomd',
  };
  xapi.Configuration = xapi.Config;
  xapi.close = () => {};

  // ----- storage: a small persistent key-value store per macro -----------------------------
  const storage = {
    get: (key) => rpc('macro/storage/get', { Key: String(key) }).then((r) => r.Value),
    set: (key, value) => rpc('macro/storage/set', { Key: String(key), Value: value }).then(() => undefined),
    remove: (key) => rpc('macro/storage/remove', { Key: String(key) }).then(() => undefined),
    keys: () => rpc('macro/storage/keys', {}).then((r) => r.Keys),
  };

  // ----- console ---------------------------------------------------------------------------
  function show(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return value.stack ? `${value}\n${value.stack}` : String(value);
    try {
      const text = JSON.stringify(value);
      return text === undefined ? String(value) : text;
    } catch (_) {
      return String(value);
    }
  }
  const log = (level) => (...args) => host.log(level, args.map(show).join(' '));
  globalThis.console = {
    log: log('info'), info: log('info'), warn: log('warn'), error: log('error'),
    debug: log('debug'), trace: log('debug'),
  };

  // ----- timers ----------------------------------------------------------------------------
  const timers = new Map();
  let nextTimer = 1;
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('a timer needs a function');
    const id = nextTimer++;
    timers.set(id, { fn, args, repeat });
    host.timer(id, Math.max(repeat ? 10 : 0, Number(ms) || 0), repeat);
    return id;
  }
  function clearTimer(id) {
    if (timers.delete(id)) host.cancel(id);
  }
  globalThis.setTimeout = (fn, ms, ...args) => addTimer(fn, ms, args, false);
  globalThis.setInterval = (fn, ms, ...args) => addTimer(fn, ms, args, true);
  globalThis.clearTimeout = clearTimer;
  globalThis.clearInterval = clearTimer;

  // ----- btoa / atob -----------------------------------------------------------------------
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  globalThis.btoa = (input) => {
    const s = String(input);
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const codes = [s.charCodeAt(i), s.charCodeAt(i + 1), s.charCodeAt(i + 2)];
      if (codes.some((c) => c > 255)) throw new Error('btoa: the string holds characters outside Latin-1');
      const [a, b, c] = codes;
      const n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
      out += i + 1 < s.length ? B64[(n >> 6) & 63] : '=';
      out += i + 2 < s.length ? B64[n & 63] : '=';
    }
    return out;
  };
  globalThis.atob = (input) => {
    const s = String(input).replace(/[\s=]+/g, '');
    let out = '';
    let bits = 0;
    let value = 0;
    for (const ch of s) {
      const v = B64.indexOf(ch);
      if (v < 0) throw new Error('atob: not base64');
      value = (value << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((value >> bits) & 255);
      }
    }
    return out;
  };

  // ----- CommonJS and macro names ----------------------------------------------------------
  globalThis._main_macro_name = () => macroName;
  globalThis.module = { name: './' + macroName, exports: {} };
  globalThis.exports = globalThis.module.exports;
  globalThis.require = (spec) => {
    if (spec === 'xapi') return xapi;
    if (spec === 'storage') return storage;
    return host.require(String(spec));
  };
  globalThis.require.main = { name: macroName };
  globalThis.module.require = globalThis.require;

  // ----- what the host calls ---------------------------------------------------------------
  return {
    xapi,
    storage,
    // A line from roomd: a reply to one of our requests, or feedback.
    receive(msg) {
      if (msg.method === 'xFeedback/Event') {
        const dispatch = subscriptions.get(msg.params.Id);
        if (dispatch) dispatch(msg.params);
        return;
      }
      const p = pending.get(msg.id);
      if (p === undefined) return;
      pending.delete(msg.id);
      if (msg.error !== undefined) {
        p.reject(new XAPIError(msg.error.code, msg.error.message, msg.error.data));
      } else {
        p.resolve(msg.result);
      }
    },
    // A timer that came due.
    fire(id) {
      const t = timers.get(id);
      if (t === undefined) return;
      if (!t.repeat) timers.delete(id);
      try {
        t.fn(...t.args);
      } catch (e) {
        reportError('timer', e);
      }
    },
  };
});
