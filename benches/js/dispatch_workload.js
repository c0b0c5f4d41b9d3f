// The JS side of event delivery, as a macro runs it: parse a feedback line, walk the payload
// down the subscribed path (as the xapi module does) and call a handler that reads fields.
// Evaluates to {events, ms}. Run in boa by benches/macro_runtime.rs and in Node for reference:
//   node -e "console.log(JSON.stringify(eval(require('fs').readFileSync('benches/js/dispatch_workload.js','utf8'))))"
(function () {
  // The same walk as the xapi module's (src/macro_runtime/host/prelude.js).
  function lookup(node, name) {
    if (Object.prototype.hasOwnProperty.call(node, name)) return node[name];
    const want = name.toLowerCase();
    for (const key in node) {
      if (key.toLowerCase() === want) return node[key];
    }
    return undefined;
  }
  function dig(node, path, i, cb) {
    if (i === path.length) { cb(node); return; }
    const head = path[i];
    if (Array.isArray(node)) { for (const e of node) dig(e, path, i, cb); return; }
    if (node === null || typeof node !== 'object') return;
    const child = lookup(node, head);
    if (child !== undefined) dig(child, path, i + 1, cb);
  }
  let pressed = 0;
  let last = '';
  const handler = (e) => {
    if (e.Type === 'pressed') pressed += 1;
    last = e.WidgetId + ':' + e.Value;
  };
  const path = ['Event', 'UserInterface', 'Extensions', 'Widget', 'Action'];
  const events = 100000;
  const start = Date.now();
  for (let i = 0; i < events; i++) {
    const line = '{"jsonrpc":"2.0","method":"xFeedback/Event","params":{"Id":1,"Event":{"UserInterface":{"Extensions":{"Widget":{"Action":{"WidgetId":"vol","Type":"' + (i % 2 ? 'pressed' : 'released') + '","Value":"' + i + '"}}}}}}}';
    const msg = JSON.parse(line);
    dig(msg.params, path, 0, handler);
  }
  const ms = Date.now() - start;
  return { events, ms, pressed, last };
})()
