// Old-style (string path, lower-case) calls, and the /ws?legacy endpoint
// that reports every value as a string.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { useRoomd, withWire } from './roomd.js';

describe('legacy forms', () => {
  const device = useRoomd({ before, after });

  test("9. xapi.command('audio volume set', {level: 40}) then status.get('Audio Volume') and ('audio volume')", withWire(device, async (ctx) => {
    const { xapi, ready } = ctx.jsx('admin', device().adminPassword);
    await ready;

    // jsxapi capitalises the path's first letters but sends the parameter name as written: {"level":40}.
    await xapi.command('audio volume set', { level: 40 });
    const v1 = await xapi.status.get('Audio Volume');
    assert.strictEqual(Number(v1), 40, `status.get('Audio Volume') gave ${JSON.stringify(v1)}`);
    const v2 = await xapi.status.get('audio volume');
    assert.strictEqual(Number(v2), 40, `status.get('audio volume') gave ${JSON.stringify(v2)}`);

    await xapi.command('Audio Volume Set', { Level: 41 });
    assert.strictEqual(Number(await xapi.status.get('audio volume')), 41);
  }));

  test('10. /ws?legacy reports Status Audio Volume as the string "40", /ws as the number 40', withWire(device, async (ctx) => {
    const basic = ['admin', device().adminPassword];
    const modern = await ctx.raw({ basic, label: 'raw /ws' });
    const set = await modern.request(1, 'xCommand/Audio/Volume/Set', { Level: 40 });
    assert.equal(set.error, undefined, `Audio Volume Set failed: ${JSON.stringify(set)}`);

    const legacy = await ctx.raw({ path: '/ws?legacy', basic, label: 'raw /ws?legacy' });
    const path = ['Status', 'Audio', 'Volume'];

    const l = await legacy.request(2, 'xGet', { Path: path });
    assert.strictEqual(l.result, '40', `/ws?legacy xGet Status Audio Volume: ${JSON.stringify(l)}`);

    const m = await modern.request(3, 'xGet', { Path: path });
    assert.strictEqual(m.result, 40, `/ws xGet Status Audio Volume: ${JSON.stringify(m)}`);
  }));
});
