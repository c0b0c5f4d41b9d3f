// roomd's storage module: state that survives restarts without rewriting macro source.
import xapi from 'xapi';
import storage from 'storage';

async function main() {
  const boots = ((await storage.get('boots')) || 0) + 1;
  await storage.set('boots', boots);
  await storage.set('last', { when: 'now', list: [1, 2, 3] });
  const keys = await storage.keys();
  const text = `boots ${boots} keys ${keys.join(',')}`;
  console.log(text);
  xapi.Command.Message.Send({ Text: text });
}

main();
