// Authentication and roles on the xAPI WebSocket (/ws), as jsxapi and raw
// JSON-RPC clients see them.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  authSubprotocol,
  jsxapiOverSocket,
  rawConnect,
  rawSocket,
  rejection,
  useRoomd,
  WireLog,
  withWire,
} from './roomd.js';

describe('authentication and roles', () => {
  const device = useRoomd({ before, after });

  test('1. jsxapi.connect (auth-<base64url> subprotocol) reads Status SystemUnit ProductPlatform', withWire(device, async (ctx) => {
    const pw = device().adminPassword;

    // The server must echo the auth subprotocol it accepted in the 101 answer.
    const raw = await ctx.raw({ subprotocol: ['admin', pw], label: 'raw /ws subprotocol auth' });
    assert.equal(raw.protocol, authSubprotocol('admin', pw),
      '101 response must carry Sec-WebSocket-Protocol echoing the offered auth-… subprotocol');
    raw.close();

    const { xapi, ready } = ctx.jsx('admin', pw);
    await ready;
    const platform = await xapi.Status.SystemUnit.ProductPlatform.get();
    assert.equal(typeof platform, 'string');
    assert.ok(platform.length > 0, 'ProductPlatform is empty');
    assert.equal(platform, 'Codec Pro');
  }));

  test('2. Basic auth header: xGet ProductPlatform echoes numeric and string ids; jsxapi over that socket', withWire(device, async (ctx) => {
    const pw = device().adminPassword;
    const raw = await ctx.raw({ basic: ['admin', pw], label: 'raw /ws Basic auth' });

    const path = ['Status', 'SystemUnit', 'ProductPlatform'];
    const numeric = await raw.request(7, 'xGet', { Path: path });
    assert.equal(numeric.jsonrpc, '2.0');
    assert.strictEqual(numeric.id, 7, 'a numeric request id must come back as a JSON number');
    assert.equal(numeric.error, undefined);
    assert.equal(numeric.result, 'Codec Pro');

    const str = await raw.request('abc', 'xGet', { Path: path });
    assert.equal(str.jsonrpc, '2.0');
    assert.strictEqual(str.id, 'abc', 'a string request id must come back as a JSON string');
    assert.equal(str.result, 'Codec Pro');

    const numericString = await raw.request('8', 'xGet', { Path: path });
    assert.strictEqual(numericString.id, '8', 'the string id "8" must not come back as the number 8');
    raw.close();

    // jsxapi can run over a socket we opened ourselves (with the Basic header).
    const log = ctx.wire(new WireLog('jsxapi over Basic-auth socket'));
    const ws = rawSocket(device().url, { basic: ['admin', pw] });
    const { xapi, ready } = jsxapiOverSocket(ws, log);
    ctx.cleanup(() => xapi.close());
    await ready;
    assert.equal(await xapi.Status.SystemUnit.ProductPlatform.get(), 'Codec Pro');
  }));

  test('3. wrong password: upgrade refused with HTTP 403; jsxapi emits error', withWire(device, async (ctx) => {
    const pw = device().adminPassword;

    for (const opts of [
      { basic: ['admin', `${pw}-wrong`], label: 'raw /ws Basic wrong password' },
      { subprotocol: ['admin', `${pw}-wrong`], label: 'raw /ws subprotocol wrong password' },
      { basic: ['nosuchuser', pw], label: 'raw /ws Basic unknown user' },
    ]) {
      const err = await rejection(rawConnect(device().url, opts), opts.label);
      if (err.log) ctx.wire(err.log);
      assert.equal(err.statusCode, 403, `${opts.label}: expected HTTP 403, got ${err.statusCode ?? err.message}`);
    }

    const { ready } = ctx.jsx('admin', `${pw}-wrong`, 'jsxapi wrong password');
    const err = await rejection(ready, 'jsxapi.connect with a wrong password');
    assert.match(String(err && err.message), /403/, `jsxapi error should say the server answered 403: ${err && err.message}`);
  }));

  test('8. a User-role account is refused Admin-only commands (-31999) but reads status', withWire(device, async (ctx) => {
    const pw = device().adminPassword;
    const admin = ctx.jsx('admin', pw, 'jsxapi admin');
    await admin.ready;
    await admin.xapi.Command.UserManagement.User.Add({ Username: 'alice', Passphrase: 'Secret-123', Role: ['User'] });

    const alice = ctx.jsx('alice', 'Secret-123', 'jsxapi alice');
    await alice.ready;

    const listErr = await rejection(alice.xapi.Command.UserManagement.User.List(), 'alice: UserManagement User List');
    assert.equal(listErr.code, -31999, `UserManagement User List as User: ${JSON.stringify(listErr)}`);
    assert.equal(typeof listErr.message, 'string');

    const sendErr = await rejection(alice.xapi.Command.Message.Send({ Text: 'x' }), 'alice: Message Send');
    assert.equal(sendErr.code, -31999, `Message Send as User: ${JSON.stringify(sendErr)}`);

    const vol = await alice.xapi.Status.Audio.Volume.get();
    assert.ok(Number.isInteger(Number(vol)) && String(vol) !== '', `alice reads Status Audio Volume: got ${JSON.stringify(vol)}`);

    // The admin is not affected by alice's refusals.
    const users = await admin.xapi.Command.UserManagement.User.List();
    assert.ok(JSON.stringify(users).includes('alice'), `admin's User List should show alice: ${JSON.stringify(users)}`);
  }));
});
