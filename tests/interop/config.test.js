// Configuration get/set through jsxapi, and what bad input gets back.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { rejection, useRoomd, withWire } from './roomd.js';

/** A JSON-RPC error object as jsxapi hands it over: {code, message, data?}. */
function assertRpcError(err, what) {
  assert.ok(err && typeof err === 'object', `${what}: rejection should be a JSON-RPC error object, got ${String(err)}`);
  assert.equal(typeof err.code, 'number', `${what}: error.code should be a number: ${JSON.stringify(err)}`);
  assert.equal(typeof err.message, 'string', `${what}: error.message should be a string: ${JSON.stringify(err)}`);
  assert.ok(err.message.trim().length > 0, `${what}: error.message is empty: ${JSON.stringify(err)}`);
}

/** The text a user reads in an error: its message plus any data. */
const errorText = (err) => `${err.message} ${err.data === undefined ? '' : JSON.stringify(err.data)}`;

describe('configuration', () => {
  const device = useRoomd({ before, after });

  test('4. Config Audio DefaultVolume set(30) then get() gives 30', withWire(device, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', device().adminPassword);
    await ready;
    const res = await xapi.Config.Audio.DefaultVolume.set(30);
    assert.equal(res, true, `xSet result should be true, got ${JSON.stringify(res)}`);
    const v = await xapi.Config.Audio.DefaultVolume.get();
    assert.strictEqual(Number(v), 30, `get() after set(30) gave ${JSON.stringify(v)}`);
  }));

  test('5. out-of-range value and unknown paths are rejected with a clear error, nothing changes', withWire(device, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', device().adminPassword);
    await ready;
    await xapi.Config.Audio.DefaultVolume.set(30);

    const rangeErr = await rejection(xapi.Config.Audio.DefaultVolume.set(1000), 'set(1000)');
    assertRpcError(rangeErr, 'set(1000)');
    assert.match(errorText(rangeErr), /1000|range|min|max|between|0\s*(\.\.|-|to)\s*100/i,
      `the error for set(1000) should name the value or the allowed range: ${JSON.stringify(rangeErr)}`);
    assert.strictEqual(Number(await xapi.Config.Audio.DefaultVolume.get()), 30, 'DefaultVolume changed after a refused set(1000)');

    const cfgErr = await rejection(xapi.Config.Audio.NoSuchThing.get(), 'Config Audio NoSuchThing get()');
    assertRpcError(cfgErr, 'Config Audio NoSuchThing get()');
    assert.match(errorText(cfgErr), /NoSuchThing/,
      `the error for an unknown configuration should name the path: ${JSON.stringify(cfgErr)}`);

    const stErr = await rejection(xapi.Status.Foo.Bar.get(), 'Status Foo Bar get()');
    assertRpcError(stErr, 'Status Foo Bar get()');
    assert.match(errorText(stErr), /Foo/,
      `the error for an unknown status should name the path: ${JSON.stringify(stErr)}`);

    const setUnknownErr = await rejection(xapi.Config.Audio.NoSuchThing.set(5), 'Config Audio NoSuchThing set(5)');
    assertRpcError(setUnknownErr, 'Config Audio NoSuchThing set(5)');

    // The connection still works and nothing changed.
    assert.strictEqual(Number(await xapi.Config.Audio.DefaultVolume.get()), 30, 'DefaultVolume changed after the errors');
    assert.equal(await xapi.Status.SystemUnit.ProductPlatform.get(), 'Codec Pro');
  }));
});
