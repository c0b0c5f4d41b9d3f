// One Button To Push end to end, through the real jsxapi client, with real peers: the room's
// calendar on a Radicale CalDAV server, the organizer's mail on an aiosmtpd SMTP receiver,
// and the meeting itself on a second roomd that answers the call.
//
// An invite put on the server appears in Bookings List; the simulated clock is advanced to
// the Join button (start - 300 s: Bookings StartTimeBuffer) and to start - 60 s, where
// auto-join dials the meeting with its BookingId; Bookings Respond Accept mails an iTIP
// REPLY that Python's icalendar reads with PARTSTAT=ACCEPTED, and the room's PARTSTAT is
// updated on the CalDAV server. The Python peers come from target/pyenv (scripts/test).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { INTEROP_DIR, REPO_ROOT, recorder, sleep, useRoomd, waitFor, withWire } from './roomd.js';

const PYTHON = process.env.ROOMD_PYTHON || path.join(REPO_ROOT, 'target/pyenv/bin/python');
const HELPERS = path.join(INTEROP_DIR, 'calendar');

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a Python peer and waits until `ready(line)` holds for a line it printed. */
async function startPeer(what, args, ready, { stdoutOnly = false } = {}) {
  const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const lines = createInterface({ input: child.stdout });
  const errors = createInterface({ input: child.stderr });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${output}`)), 20000);
    const look = (line) => {
      output += `${line}\n`;
      if (ready(line)) { clearTimeout(timer); resolve(); }
    };
    lines.on('line', look);
    if (!stdoutOnly) errors.on('line', look);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`${what}: ${e.message} (run scripts/test to install it)`)); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited (${code}):\n${output}`)); });
  });
  child.removeAllListeners('exit');
  return { child, output: () => output, stop: () => child.kill('SIGTERM') };
}

/** Radicale on a free loopback port, anyone may log in, storage in `dir`. */
async function startRadicale(dir) {
  const port = await freePort();
  const config = path.join(dir, 'radicale.conf');
  await writeFile(config, [
    '[server]', `hosts = 127.0.0.1:${port}`,
    '[auth]', 'type = none',
    '[storage]', `filesystem_folder = ${path.join(dir, 'collections')}`,
    '[logging]', 'level = info',
  ].join('\n'));
  const peer = await startPeer('radicale', ['-m', 'radicale', '--config', config],
    (line) => /Listening on|listening on/i.test(line));
  return { ...peer, url: `http://127.0.0.1:${port}` };
}

async function dav(method, url, body, headers = {}) {
  const auth = `Basic ${Buffer.from('room4:any').toString('base64')}`;
  const res = await fetch(url, { method, body, headers: { Authorization: auth, ...headers } });
  return { status: res.status, text: await res.text(), etag: res.headers.get('etag') };
}

function icalTime(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}


describe('bookings from a real CalDAV server, with replies by mail', () => {
  const room = useRoomd({ before, after });
  const meeting = useRoomd({ before, after });
  let work;
  let radicale;
  let smtp;
  let smtpPort;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'roomd-caldav-'));
    radicale = await startRadicale(work);
    smtpPort = await freePort();
    smtp = await startPeer('aiosmtpd', [path.join(HELPERS, 'smtp_sink.py'), String(smtpPort), work],
      (line) => line.startsWith('listening'), { stdoutOnly: true });
  });
  after(async () => {
    radicale?.stop();
    smtp?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('invite on the server, Join button, auto-join, and an accepted reply', withWire(room, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', room().adminPassword);
    await ready;
    const far = ctx.jsx('admin', meeting().adminPassword, 'meeting', meeting());
    await far.ready;
    await far.xapi.Config.Conference.AutoAnswer.Mode.set('On');
    for (let i = 0; i < 100 && !meeting().listening['sip-udp']; i++) await sleep(50);
    const farSip = meeting().listening['sip-udp'];
    assert.ok(farSip, 'the far end prints its SIP address');

    // The organizer's invite, stored on the room's calendar as an Exchange-style object.
    const calendarUrl = `${radicale.url}/room4/calendar/`;
    assert.equal((await dav('MKCALENDAR', calendarUrl)).status, 201);
    const now = Date.parse(await xapi.Status.Simulation.Clock.Time.get());
    const start = now + 3600_000;
    const uid = 'caldav-join-1@example.com';
    const invite = [
      'BEGIN:VCALENDAR', 'PRODID:-//Test//CalDAV//EN', 'VERSION:2.0',
      'BEGIN:VEVENT', `UID:${uid}`, 'SEQUENCE:1', `DTSTAMP:${icalTime(now)}`,
      `DTSTART:${icalTime(start)}`, `DTEND:${icalTime(start + 1800_000)}`,
      'SUMMARY:Quarterly review',
      'ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com',
      'ATTENDEE;CN=Ada Lovelace;PARTSTAT=ACCEPTED:mailto:ada@example.com',
      'ATTENDEE;CN=Room 4;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:room4@example.com',
      `LOCATION:sip:review@${farSip}`,
      'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    const put = await dav('PUT', `${calendarUrl}review.ics`, invite, { 'Content-Type': 'text/calendar' });
    assert.equal(put.status, 201, put.text);

    // The room reads it, finding the calendar from the server's root.
    await xapi.Config.Bookings.CalDAV.UserName.set('room4');
    await xapi.Config.Bookings.CalDAV.Password.set('secret');
    await xapi.Config.Bookings.CalDAV.Url.set(`${radicale.url}/`);
    const synced = await xapi.Command.Bookings.CalDAV.Sync();
    assert.ok(['0', '1'].includes(String(synced.Added)), JSON.stringify(synced));
    assert.equal(await xapi.Status.Bookings.CalDAV.Status.get(), 'Synced');
    assert.equal(await xapi.Status.Bookings.CalDAV.Calendar.get(), calendarUrl);
    const list = await waitFor('the booking listed', async () => {
      const l = await xapi.Command.Bookings.List();
      return l.Booking ? l : null;
    });
    const [booking] = list.Booking;
    assert.equal(booking.MeetingId, uid);
    assert.equal(booking.Title, 'Quarterly review');
    assert.equal(booking.Organizer.Email, 'ada@example.com');
    assert.equal(booking.DialInfo.Calls.Call[0].Number, `review@${farSip}`);
    assert.equal(booking.DialInfo.Calls.Call[0].Protocol, 'SIP');

    // The Join button at start - 300 s, auto-join at start - 60 s.
    await xapi.Config.Bookings.AutoJoin.Mode.set('On');
    const buffer = recorder('Bookings StartTimeBuffer', 10000);
    xapi.Event.Bookings.StartTimeBuffer.on(buffer);
    const incoming = recorder('incoming call at the far end', 15000);
    far.xapi.Status.Call.on((call) => { if (call && call.Status === 'Connected') incoming(call); });
    await sleep(200); // the subscriptions are registered before the clock moves
    await xapi.Command.Simulation.Clock.Advance({ Seconds: 3600 - 300 });
    const [event] = await buffer.wait();
    assert.equal(event.MeetingId, uid);
    // Nothing dialled yet: the Join button is up, auto-join waits for start - 60 s.
    await assert.rejects(xapi.Status.Bookings.AutoJoin.LastDial.BookingId.get(), { message: /No value/ });
    await xapi.Command.Simulation.Clock.Advance({ Seconds: 240 });
    await incoming.wait();
    assert.equal(await xapi.Status.Bookings.AutoJoin.LastDial.BookingId.get(), uid);
    assert.equal(await xapi.Status.Bookings.AutoJoin.LastDial.Number.get(), `review@${farSip}`);
    const [call] = await xapi.Status.Call.get();
    assert.equal(call.Status, 'Connected');
    await xapi.Command.Call.Disconnect({ CallId: call.id });

    // The room accepts: a REPLY to the organizer by mail, and its PARTSTAT on the server.
    await xapi.Config.SystemUnit.Name.set('Room 4');
    await xapi.Config.NetworkServices.SMTP.Server.set('127.0.0.1');
    await xapi.Config.NetworkServices.SMTP.Port.set(smtpPort);
    await xapi.Config.NetworkServices.SMTP.Security.set('None');
    await xapi.Config.NetworkServices.SMTP.From.set('room4@example.com');
    await xapi.Config.NetworkServices.SMTP.Mode.set('On');
    const answer = await xapi.Command.Bookings.Respond({ MeetingId: uid, Type: 'Accept' });
    assert.equal(answer.Delivery.CalDAV, 'Updated');
    assert.equal(answer.Delivery.Mail, 'Sent to ada@example.com');

    const mailFile = await waitFor('the reply mail', async () =>
      (await readdir(work)).find((f) => f.endsWith('.eml')));
    assert.equal((await readFile(path.join(work, mailFile.replace('.eml', '.rcpt')), 'utf8')).trim(), 'ada@example.com');
    const { stdout } = await promisify(execFile)(PYTHON, [path.join(HELPERS, 'read_reply.py'), path.join(work, mailFile)]);
    const reply = JSON.parse(stdout);
    assert.equal(reply.method, 'REPLY');
    assert.equal(reply.partMethod, 'REPLY');
    assert.equal(reply.subject, 'Accepted: Quarterly review');
    assert.equal(reply.events.length, 1);
    const [answered] = reply.events;
    assert.equal(answered.uid, uid);
    assert.equal(answered.sequence, 1);
    assert.equal(answered.organizer, 'mailto:ada@example.com');
    assert.deepEqual(answered.attendees, [{ address: 'mailto:room4@example.com', partstat: 'ACCEPTED' }]);

    const stored = await dav('GET', `${calendarUrl}review.ics`);
    assert.match(stored.text.replace(/\r\n /g, ''), /ATTENDEE;CN=Room 4;CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:room4@example\.com/);
    assert.match(stored.text, /ATTENDEE;CN=Ada Lovelace;PARTSTAT=ACCEPTED/);

    // The server copy with the room's answer reads back as the same booking.
    const again = await xapi.Command.Bookings.CalDAV.Sync();
    assert.equal(String(again.Removed), '0', JSON.stringify(again));
    assert.equal((await xapi.Command.Bookings.List()).Booking[0].MeetingId, uid);

    // Deleted on the server, gone from the room.
    assert.equal((await dav('DELETE', `${calendarUrl}review.ics`)).status, 200);
    const gone = await xapi.Command.Bookings.CalDAV.Sync();
    assert.equal(String(gone.Removed), '1', JSON.stringify(gone));
    assert.equal((await xapi.Command.Bookings.List()).Booking, undefined);
  }));

  test('a wrong CalDAV address is a clear error and changes nothing', withWire(room, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', room().adminPassword);
    await ready;
    const before = await xapi.Command.Bookings.List();
    await xapi.Config.Bookings.CalDAV.Url.set('http://127.0.0.1:1/nothing/');
    await assert.rejects(xapi.Command.Bookings.CalDAV.Sync(), (err) => {
      assert.match(err.message, /CalDAV/);
      return true;
    });
    assert.equal(await xapi.Status.Bookings.CalDAV.Status.get(), 'Failed');
    assert.match(await xapi.Status.Bookings.CalDAV.Error.get(), /did not answer/);
    assert.deepEqual(await xapi.Command.Bookings.List(), before);
  }));
});
