// Status feedback on a list: only the changed fields arrive, with the element's id, and a
// removed element arrives as a ghost.
import xapi from 'xapi';

xapi.Status.Peripherals.ConnectedDevice.on((device) => {
  xapi.Command.Message.Send({ Text: 'device ' + JSON.stringify(device) });
});
