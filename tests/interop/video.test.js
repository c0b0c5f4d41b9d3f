// The display-swap field story through the real jsxapi client: on the simulated board, a
// 3840x2160 display on output 2 and a 1920x1080 one on output 1; what each physical display
// shows is read from Status Simulation Display[n] Content.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { sleep, useRoomd, withWire } from './roomd.js';

/** Waits until display `n` shows `want`; fails after `ms`. */
async function shows(xapi, n, want, ms = 500) {
  const start = Date.now();
  let now;
  for (;;) {
    const displays = await xapi.Status.Simulation.Display.get();
    now = (displays || []).find((d) => Number(d.id) === n)?.Content;
    if (now === want) return Date.now() - start;
    assert.ok(Date.now() - start < ms, `display ${n} shows ${now}, not ${want}, after ${ms} ms`);
    await sleep(20);
  }
}

async function swapMacroRunning(xapi) {
  for (let i = 0; i < 200; i++) {
    const status = await xapi.Command.Macros.Runtime.Status();
    if ((status.Macro || []).some((m) => m.Name === 'display-swap' && m.State === 'Running')) return;
    await sleep(50);
  }
  assert.fail('display-swap did not start');
}

/** Puts `xapi`'s device in a call with `far` (auto-answering); returns the CallId. */
async function inCall(ctx, xapi, far) {
  const other = ctx.jsx('admin', far.adminPassword, 'far end', far);
  await other.ready;
  await other.xapi.Config.Conference.AutoAnswer.Mode.set('On');
  for (let i = 0; i < 100 && !far.listening['sip-udp']; i++) await sleep(50);
  const { CallId } = await xapi.Command.Dial({ Number: `sip:far@${far.listening['sip-udp']}` });
  for (let i = 0; i < 200; i++) {
    const call = await xapi.Status.Call[CallId].get().catch(() => null);
    if (call && call.Status === 'Connected') return CallId;
    await sleep(50);
  }
  assert.fail('the call did not connect');
}

describe('display-swap over jsxapi', () => {
  const device = useRoomd({ before, after });
  const farEnd = useRoomd({ before, after });

  test('the presentation always lands on the biggest display', withWire(device, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', device().adminPassword);
    await ready;
    await swapMacroRunning(xapi);
    // The field story happens in a call: Main is the far end.
    const callId = await inCall(ctx, xapi, farEnd());
    await xapi.Command.Simulation.Display.Connect({ Connector: 1, Width: 1920, Height: 1080, Name: 'Small' });
    await xapi.Command.Simulation.Display.Connect({ Connector: 2, Width: 3840, Height: 2160, Name: 'Large' });
    await shows(xapi, 2, 'Main', 3000);

    // HDMI presentation: to the large display within 500 ms, and back when it stops.
    await xapi.Command.Simulation.Input.Connect({ Connector: 3 });
    await xapi.Command.Presentation.Start({ ConnectorId: 3 });
    await shows(xapi, 2, 'Presentation');
    await shows(xapi, 1, 'Main');
    await xapi.Command.Presentation.Stop();
    await shows(xapi, 2, 'Main');

    // A remote presentation, and the touch-panel swap button.
    await xapi.Command.Simulation.RemotePresentation.Start();
    await shows(xapi, 2, 'Presentation');
    await xapi.Command.UserInterface.Extensions.Widget.Action({ WidgetId: 'display_swap_button', Type: 'clicked' });
    await shows(xapi, 1, 'Presentation');
    await shows(xapi, 2, 'Main');
    await xapi.Command.Simulation.RemotePresentation.Stop();
    await shows(xapi, 2, 'Main');

    // Re-plugged the other way round, the displays are ranked again; a third one works.
    await xapi.Command.Simulation.Display.Disconnect({ Connector: 2 });
    await xapi.Command.Simulation.Display.Connect({ Connector: 3, Width: 3840, Height: 2160, Name: 'New large' });
    await xapi.Command.Simulation.Display.Connect({ Connector: 2, Width: 1280, Height: 720, Name: 'Side' });
    await xapi.Command.Presentation.Start({ ConnectorId: 3 });
    await shows(xapi, 3, 'Presentation');
    await shows(xapi, 1, 'Main');
    await xapi.Command.Presentation.Stop();
    await shows(xapi, 3, 'Main');
    assert.equal((await xapi.Status.Call[callId].get()).Status, 'Connected', 'still in the call');
    await xapi.Command.Call.Disconnect({ CallId: callId });
  }));

  test('invalid video commands are refused and change nothing', withWire(device, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', device().adminPassword);
    await ready;
    const before = JSON.stringify(await xapi.Status.Simulation.Display.get());
    await assert.rejects(xapi.Command.Video.Matrix.Assign({ Output: 9, SourceId: 2 }));
    await assert.rejects(xapi.Command.Video.Matrix.Assign({ Output: 1, SourceId: 7 }), (e) => /no video input 7/.test(e.message));
    await assert.rejects(xapi.Command.Presentation.Start({ ConnectorId: 9 }));
    assert.equal(JSON.stringify(await xapi.Status.Simulation.Display.get()), before);
  }));
});
