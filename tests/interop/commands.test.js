// Commands that do not exist versus commands that exist in the RoomOS
// schema but that roomd does not implement.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { rejection, useRoomd, withWire } from './roomd.js';

describe('unknown and unimplemented commands', () => {
  const device = useRoomd({ before, after });

  test('11. unknown command -> -32601; schema command roomd does not implement -> "not implemented"', withWire(device, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', device().adminPassword);
    await ready;

    const unknown = await rejection(xapi.Command.Foo.Bar(), 'Command Foo Bar');
    assert.equal(unknown.code, -32601, `xCommand/Foo/Bar: ${JSON.stringify(unknown)}`);
    assert.equal(typeof unknown.message, 'string');

    // In the RoomOS 26.4.1 schema for barents (Codec Pro), role Admin/Integrator.
    const unimpl = await rejection(
      xapi.Command.Cameras.AutoFocus.Diagnostics.Start({ CameraId: 1 }),
      'Command Cameras AutoFocus Diagnostics Start',
    );
    assert.equal(typeof unimpl.code, 'number', `xCommand/Cameras/AutoFocus/Diagnostics/Start: ${JSON.stringify(unimpl)}`);
    assert.notEqual(unimpl.code, -32601,
      `a command in the schema must not be reported as unknown: ${JSON.stringify(unimpl)}`);
    assert.match(String(unimpl.message), /not implemented/i,
      `the error should say the command is not implemented: ${JSON.stringify(unimpl)}`);

    // The connection keeps working.
    assert.equal(await xapi.Status.SystemUnit.ProductPlatform.get(), 'Codec Pro');
  }));
});
