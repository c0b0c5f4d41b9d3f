// Feedback (xFeedback/Subscribe, xFeedback/Event, xFeedback/Unsubscribe)
// through jsxapi's .on() and the function it returns.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { recorder, sleep, useRoomd, withWire } from './roomd.js';

const FEEDBACK_TIMEOUT_MS = 3000;
const QUIET_MS = 300;

/** Wait until the log shows a response to the last request sent with `method`. */
async function waitForResponse(log, method, timeoutMs = FEEDBACK_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sent = log.lines
      .filter((l) => l.startsWith('> '))
      .map((l) => JSON.parse(l.slice(2)))
      .filter((r) => r.method === method);
    if (sent.length) {
      const { id } = sent[sent.length - 1];
      const got = log.lines
        .filter((l) => l.startsWith('< '))
        .map((l) => JSON.parse(l.slice(2)))
        .find((r) => r.id === id && r.method === undefined);
      if (got) return got;
    }
    if (Date.now() > deadline) throw new Error(`no response to ${method} within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe('feedback', () => {
  const device = useRoomd({ before, after });

  test('6. Status Audio Volume .on() sees Audio Volume Set; after off() it does not', withWire(device, async (ctx) => {
    const { xapi, log, ready } = ctx.jsx('admin', device().adminPassword);
    await ready;

    // Make sure setting 40 is a change, whatever the start-up volume is.
    if (Number(await xapi.Status.Audio.Volume.get()) === 40) {
      await xapi.Command.Audio.Volume.Set({ Level: 39 });
    }

    const cb = recorder('Status Audio Volume listener', FEEDBACK_TIMEOUT_MS);
    const off = xapi.Status.Audio.Volume.on(cb);
    const reg = await off.registration;
    assert.ok(reg && Number.isInteger(reg.Id), `xFeedback/Subscribe result should be {Id:<int>}, got ${JSON.stringify(reg)}`);

    await xapi.Command.Audio.Volume.Set({ Level: 40 });
    const [value] = await cb.wait();
    assert.strictEqual(Number(value), 40, `listener got ${JSON.stringify(value)}`);

    // Unsubscribe and wait for the server's answer to xFeedback/Unsubscribe.
    off();
    const unsub = await waitForResponse(log, 'xFeedback/Unsubscribe');
    assert.equal(unsub.error, undefined, `xFeedback/Unsubscribe failed: ${JSON.stringify(unsub)}`);
    assert.equal(unsub.result, true, `xFeedback/Unsubscribe result should be true: ${JSON.stringify(unsub)}`);

    const before = log.lines.length;
    const callsBefore = cb.calls.length;
    await xapi.Command.Audio.Volume.Set({ Level: 45 });
    await sleep(QUIET_MS);
    assert.equal(cb.calls.length, callsBefore, `listener called after off(): ${JSON.stringify(cb.calls.slice(callsBefore))}`);
    // The server itself must stop sending feedback for that subscription.
    const late = log.lines.slice(before)
      .filter((l) => l.startsWith('< '))
      .map((l) => JSON.parse(l.slice(2)))
      .filter((m) => m.method === 'xFeedback/Event' && m.params && m.params.Id === reg.Id);
    assert.deepEqual(late, [], `server sent feedback for unsubscribed Id ${reg.Id}`);
    assert.strictEqual(Number(await xapi.Status.Audio.Volume.get()), 45);
  }));

  test('7. Event Message Send .on() receives {Text: "hello"} from Command Message Send', withWire(device, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', device().adminPassword);
    await ready;

    const cb = recorder('Event Message Send listener', FEEDBACK_TIMEOUT_MS);
    const off = xapi.Event.Message.Send.on(cb);
    await off.registration;

    await xapi.Command.Message.Send({ Text: 'hello' });
    const [event] = await cb.wait();
    assert.ok(event && typeof event === 'object', `listener got ${JSON.stringify(event)}`);
    assert.equal(event.Text, 'hello', `listener got ${JSON.stringify(event)}`);
    off();
  }));
});
