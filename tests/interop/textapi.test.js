// The text API with the real jsxapi client: jsxapi's own TSH backend (the one it uses over
// SSH) run over a plain TCP connection to roomd's text port. It logs in, switches to JSON
// output as it does on a real codec, and then reads, sets, runs commands (with a multiline
// body) and follows feedback, all through the text API.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';

import jsxapiModule from 'jsxapi';
import tshModule from 'jsxapi/lib/backend/tsh.js';

import { WireLog, recorder, sleep, useRoomd, withWire } from './roomd.js';

const TSHBackend = tshModule.default ?? tshModule;
const { XAPI } = jsxapiModule;

/** jsxapi over TCP: the socket is the transport, the login typed ahead of the banner. */
async function connectText(device, user, password, log) {
  for (let i = 0; i < 100 && !device.listening.text; i++) await sleep(50);
  assert.ok(device.listening.text, `no "listening text" line\n${device.describe()}`);
  const port = Number(device.listening.text.split(':').pop());
  const socket = net.connect(port, '127.0.0.1');
  socket.close = () => socket.end();
  socket.on('data', (d) => log.in(d.toString().trimEnd()));
  const write = socket.write.bind(socket);
  socket.write = (data, ...rest) => { log.out(String(data).trimEnd()); return write(data, ...rest); };
  socket.write(`${user}\n${password}\n`);
  const xapi = new XAPI(new TSHBackend(socket));
  await new Promise((resolve, reject) => {
    xapi.on('ready', resolve);
    xapi.on('error', reject);
  });
  return xapi;
}

describe('jsxapi over the text API', () => {
  const device = useRoomd({ before, after }, { extraArgs: ['--text-port', '0'] });

  test('get, set, commands, multiline, feedback and errors', withWire(device, async (ctx) => {
    const log = ctx.wire(new WireLog('jsxapi tsh over tcp'));
    const xapi = await connectText(device(), 'admin', device().adminPassword, log);
    ctx.cleanup(() => xapi.close());

    assert.equal(await xapi.Status.SystemUnit.ProductPlatform.get(), 'Codec Pro');
    await xapi.Config.Audio.DefaultVolume.set(33);
    assert.equal(await xapi.Config.Audio.DefaultVolume.get(), '33');
    await assert.rejects(xapi.Config.Audio.DefaultVolume.set(300));
    assert.equal(await xapi.Config.Audio.DefaultVolume.get(), '33');
    await assert.rejects(xapi.Status.Audio.NoSuchThing.get());

    const added = await xapi.Command.UserManagement.User.Add({
      Username: 'ops', Passphrase: 'a-Long-passphrase-1', Role: ['Integrator', 'User'],
    });
    assert.deepEqual(added, { status: 'OK' }); // as over the WebSocket
    await assert.rejects(xapi.Command.Audio.Volume.Set({ Level: 101 }), (err) => {
      assert.match(err.message, /Level/);
      return true;
    });

    const xml = '<Extensions><Panel><Type>Statusbar</Type><Name>Via TSH</Name></Panel></Extensions>';
    await xapi.Command.UserInterface.Extensions.Panel.Save({ PanelId: 'tsh' }, xml);
    const listed = await xapi.Command.UserInterface.Extensions.List();
    assert.match(JSON.stringify(listed), /Via TSH/);

    // Feedback: a change made over the WebSocket reaches the TSH client.
    const heard = recorder('DefaultVolume feedback', 5000);
    const off = xapi.Config.Audio.DefaultVolume.on(heard);
    await off.registration;
    const ws = ctx.jsx('admin', device().adminPassword);
    await ws.ready;
    await ws.xapi.Config.Audio.DefaultVolume.set(44);
    const [value] = await heard.wait();
    assert.equal(value, '44');
    off();
  }));
});
