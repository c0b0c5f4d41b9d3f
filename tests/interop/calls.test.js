// Calls through the real jsxapi client: one roomd dials another over SIP on loopback. The
// caller sees Status Call go Dialling -> Connected and a CallDisconnect with the cause a
// user would read; refusals (486 busy, 404 unknown user) carry their SIP status.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { recorder, sleep, useRoomd, withWire } from './roomd.js';

/** The callee's SIP address, once it has printed its SIP port. */
async function sipAddress(device, user) {
  for (let i = 0; i < 100 && !device.listening['sip-udp']; i++) await sleep(50);
  const addr = device.listening['sip-udp'];
  assert.ok(addr, `no "listening sip-udp" line\n${device.describe()}`);
  return `sip:${user}@${addr}`;
}

/** Feedback on Status Call, flattened to the Status values in order of arrival. */
async function callStatuses(xapi) {
  const seen = [];
  const off = xapi.Status.Call.on((call) => {
    if (call && call.Status) seen.push(call.Status);
  });
  await off.registration; // subscribed before anything is dialled
  return { seen, off };
}

async function until(what, check, ms = 10000) {
  const start = Date.now();
  while (!check()) {
    assert.ok(Date.now() - start < ms, `${what} within ${ms} ms`);
    await sleep(20);
  }
}

describe('calls between two roomd devices over jsxapi', () => {
  const caller = useRoomd({ before, after });
  const callee = useRoomd({ before, after });

  test('dial, connect, hang up, and read the cause', withWire(caller, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', caller().adminPassword);
    await ready;
    const other = ctx.jsx('admin', callee().adminPassword, 'callee', callee());
    await other.ready;
    await other.xapi.Config.Conference.AutoAnswer.Mode.set('On');

    const statuses = await callStatuses(xapi);
    const disconnects = recorder('CallDisconnect', 10000);
    xapi.Event.CallDisconnect.on(disconnects);
    const remoteEnd = recorder('callee CallDisconnect', 10000);
    other.xapi.Event.CallDisconnect.on(remoteEnd);

    const { CallId } = await xapi.Command.Dial({ Number: await sipAddress(callee(), 'room') });
    assert.ok(Number(CallId) > 0);
    await until('Connected', () => statuses.seen.includes('Connected'));
    assert.equal(statuses.seen[0], 'Dialling');
    const call = await xapi.Status.Call[CallId].get();
    assert.equal(call.Direction, 'Outgoing');
    assert.equal(await xapi.Status.SystemUnit.State.NumberOfActiveCalls.get(), 1);

    await xapi.Command.Call.Disconnect({ CallId });
    const [ours] = await disconnects.wait();
    assert.equal(ours.CauseType, 'LocalDisconnect');
    assert.equal(ours.OrigCallDirection, 'outgoing');
    const [theirs] = await remoteEnd.wait();
    assert.equal(theirs.CauseType, 'RemoteDisconnect');
    assert.equal(theirs.CauseOrigin, 'SIP');
    assert.equal(await xapi.Status.SystemUnit.State.NumberOfActiveCalls.get(), 0);
    statuses.off();
  }));

  test('a busy callee gives CauseValue 486', withWire(caller, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', caller().adminPassword);
    await ready;
    const other = ctx.jsx('admin', callee().adminPassword, 'callee', callee());
    await other.ready;
    await other.xapi.Command.Conference.DoNotDisturb.Activate();
    const disconnects = recorder('CallDisconnect', 10000);
    xapi.Event.CallDisconnect.on(disconnects);
    await xapi.Command.Dial({ Number: await sipAddress(callee(), 'room') });
    const [cause] = await disconnects.wait();
    assert.equal(cause.CauseValue, 486);
    assert.equal(cause.CauseType, 'RemoteBusy');
    assert.equal(cause.CauseOrigin, 'SIP');
    await other.xapi.Command.Conference.DoNotDisturb.Deactivate();
  }));

  test('an unknown user gives CauseValue 404', withWire(caller, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', caller().adminPassword);
    await ready;
    const other = ctx.jsx('admin', callee().adminPassword, 'callee', callee());
    await other.ready;
    await other.xapi.Config.SIP.URI.set('room@127.0.0.1');
    await sleep(400); // the SIP side restarts with the new identity
    const disconnects = recorder('CallDisconnect', 10000);
    xapi.Event.CallDisconnect.on(disconnects);
    await xapi.Command.Dial({ Number: await sipAddress(callee(), 'nobody') });
    const [cause] = await disconnects.wait();
    assert.equal(cause.CauseValue, 404);
    assert.equal(cause.CauseString, 'Not Found');
  }));
});
