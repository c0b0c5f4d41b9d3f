// HttpClient from a macro, as the public collections use it: JSON over GET and POST, errors
// carrying the HTTP status, and (unlike RoomOS) several requests at once.
import xapi from 'xapi';

const base = '__BASE__';

async function main() {
  const results = [];
  const hello = await xapi.Command.HttpClient.Get({
    Url: `${base}/hello`,
    Header: ['X-Test: yes'],
    ResultBody: 'PlainText',
  });
  results.push(`get ${hello.StatusCode} ${JSON.parse(hello.Body).greeting}`);
  const echo = await xapi.Command.HttpClient.Post(
    { Url: `${base}/echo`, Header: 'Content-Type: application/json', ResultBody: 'PlainText' },
    JSON.stringify({ room: 'Atlantis' }),
  );
  results.push(`post ${JSON.parse(echo.Body).room}`);
  try {
    await xapi.Command.HttpClient.Get({ Url: `${base}/missing` });
  } catch (e) {
    results.push(`missing ${e.code} ${e.data.StatusCode}`);
  }
  const slow = await Promise.all([1, 2, 3].map(() =>
    xapi.Command.HttpClient.Get({ Url: `${base}/slow`, ResultBody: 'PlainText' })));
  results.push(`parallel ${slow.map((r) => r.Body).join('+')}`);
  try {
    await xapi.Command.HttpClient.Get({ Url: 'not a url' });
  } catch (e) {
    results.push(e.message);
  }
  xapi.Command.Message.Send({ Text: 'http: ' + results.join(', ') });
}

main().catch((e) => console.error('http macro failed', e));
