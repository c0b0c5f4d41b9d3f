// Modern API: a status handler answers with a message; values arrive as strings.
import xapi from 'xapi';

xapi.Status.Audio.Volume.on((volume) => {
  xapi.Command.Message.Send({ Text: `volume is ${volume} (${typeof volume})` });
});
console.log('volume_echo started');
