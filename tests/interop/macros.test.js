// Macros saved and activated over jsxapi run on roomd, and their console output is in the
// macro log, as integrators' deployment tools expect.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { recorder, sleep, useRoomd, withWire } from './roomd.js';

const SOURCE = `import xapi from 'xapi';

console.log('hello from the macro');
xapi.Event.Message.Send.on((event) => {
  if (event.Text === 'ping') xapi.Command.Message.Send({ Text: 'pong' });
});
`;

describe('macros over jsxapi', () => {
  const device = useRoomd({ before, after });

  test('Macro Save with the source as the second argument, Activate, then it runs and logs', withWire(device, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', device().adminPassword);
    await ready;

    const saved = recorder('Macros Macro Saved');
    xapi.Event.Macros.Macro.Saved.on(saved);
    await xapi.Command.Macros.Macro.Save({ Name: 'pinger' }, SOURCE);
    assert.equal((await saved.wait())[0].Name, 'pinger');
    await xapi.Command.Macros.Macro.Activate({ Name: 'pinger' });

    const listing = await xapi.Command.Macros.Macro.Get({ Name: 'pinger', Content: true });
    assert.equal(listing.Macro[0].Active, 'True');
    assert.equal(listing.Macro[0].Content, SOURCE);

    // The macro answers once it is running.
    const pongs = recorder('pong');
    xapi.Event.Message.Send.on((e) => { if (e.Text === 'pong') pongs(e); });
    let answered = false;
    for (let i = 0; i < 50 && !answered; i++) {
      await xapi.Command.Message.Send({ Text: 'ping' });
      answered = await pongs.wait(200).then(() => true, () => false);
    }
    assert.ok(answered, 'the macro answered ping with pong');

    const log = await xapi.Command.Macros.Log.Get();
    const lines = log.Log.filter((l) => l.Macro === 'pinger').map((l) => l.Message);
    assert.ok(lines.includes('hello from the macro'), `macro log: ${JSON.stringify(log.Log)}`);

    await xapi.Command.Macros.Macro.Deactivate({ Name: 'pinger' });
    await sleep(300);
    const status = await xapi.Command.Macros.Runtime.Status();
    assert.ok(!(status.Macro || []).some((m) => m.Name === 'pinger'), JSON.stringify(status));
  }));
});

describe('a runaway macro does not stop a jsxapi client', () => {
  const device = useRoomd({ before, after });

  test('while a macro spins in while(true), feedback keeps flowing; then the macro is stopped', withWire(device, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', device().adminPassword);
    await ready;
    await xapi.Config.Macros.UnresponsiveTimeout.set(2);
    const logs = recorder('Macros Log', 10000);
    await xapi.Event.Macros.Log.on(logs).registration;
    await xapi.Command.Macros.Macro.Save({ Name: 'spin' }, 'while (true) {}\n');
    await xapi.Command.Macros.Macro.Activate({ Name: 'spin' });
    await sleep(300); // it is spinning now

    const volumes = recorder('Status Audio Volume');
    // Subscribed before the first change, however busy the machine is.
    await xapi.Status.Audio.Volume.on(volumes).registration;
    for (const level of [31, 32, 33]) {
      const start = Date.now();
      await xapi.Command.Audio.Volume.Set({ Level: level });
      const [value] = await volumes.wait(1000);
      assert.equal(Number(value), level);
      assert.ok(Date.now() - start < 1000, 'feedback arrived promptly');
    }

    let stopped = null;
    while (!stopped) {
      const [entry] = await logs.wait();
      if (entry.Macro === 'spin' && /unresponsive/.test(entry.Message)) stopped = entry;
    }
    assert.equal(stopped.Level, 'error');
  }));
});
