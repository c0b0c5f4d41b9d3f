// The old CommonJS style of the community collections: require('xapi') and string paths.
const xapi = require('xapi');

xapi.event.on('Message Send Text', (text) => {
  if (text === 'ping') {
    xapi.command('message send', { text: 'pong from ' + _main_macro_name() });
  }
});

xapi.status.get('Audio Volume').then((volume) => {
  xapi.command('Message Send', { Text: 'legacy sees volume ' + volume });
});
