// GPIO on the simulated Codec Pro, observed through the real jsxapi client, with real calls
// between two roomd devices: an OutputInCall pin is pulled Low while a call is up, an
// InputMuteMicrophones pin driven Low mutes the microphones, an InputAcceptAllCalls pin
// answers a ringing call and an InputDisconnectAllCalls pin hangs it up.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { sleep, useRoomd, waitFor, withWire } from './roomd.js';


async function sipAddress(device, user) {
  for (let i = 0; i < 100 && !device.listening['sip-udp']; i++) await sleep(50);
  return `sip:${user}@${device.listening['sip-udp']}`;
}

describe('GPIO pins through jsxapi, in real calls', () => {
  const room = useRoomd({ before, after });
  const far = useRoomd({ before, after });

  test('in-call output, mute input, accept and disconnect inputs', withWire(room, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', room().adminPassword);
    await ready;
    const other = ctx.jsx('admin', far().adminPassword, 'far end', far());
    await other.ready;
    const pin = (n) => xapi.Status.GPIO.Pin[n].State.get();
    await xapi.Config.GPIO.Pin[1].Mode.set('OutputInCall');
    await xapi.Config.GPIO.Pin[2].Mode.set('InputMuteMicrophones');
    await xapi.Config.GPIO.Pin[3].Mode.set('InputDisconnectAllCalls');
    await xapi.Config.GPIO.Pin[4].Mode.set('InputAcceptAllCalls');
    assert.equal(await pin(1), 'High', 'outputs rest High (active low)');

    // A contact closure on pin 2 mutes the room; opening it unmutes.
    await xapi.Command.Simulation.GPIO.Set({ Pin: 2, State: 'Low' });
    await waitFor('muted', async () => (await xapi.Status.Audio.Microphones.Mute.get()) === 'On');
    await xapi.Command.Simulation.GPIO.Set({ Pin: 2, State: 'High' });
    await waitFor('unmuted', async () => (await xapi.Status.Audio.Microphones.Mute.get()) === 'Off');

    // The far end calls; the room rings until pin 4 is pulled Low, which answers.
    await other.xapi.Command.Dial({ Number: await sipAddress(room(), 'room') });
    await waitFor('ringing', async () => {
      const calls = await xapi.Status.Call.get();
      return calls.length === 1 && calls[0].Status === 'Ringing';
    });
    assert.equal(await pin(1), 'High', 'ringing is not yet in call');
    await xapi.Command.Simulation.GPIO.Set({ Pin: 4, State: 'Low' });
    await waitFor('connected', async () => {
      const calls = await xapi.Status.Call.get();
      return calls.length === 1 && calls[0].Status === 'Connected';
    });
    await waitFor('pin 1 Low in call', async () => (await pin(1)) === 'Low');

    // Pulling pin 3 Low hangs up; the in-call pin goes back High.
    await xapi.Command.Simulation.GPIO.Set({ Pin: 3, State: 'Low' });
    await waitFor('call ended', async () => (await xapi.Status.Call.get()).length === 0);
    await waitFor('pin 1 High again', async () => (await pin(1)) === 'High');
  }));
});
