// The display-swap behaviour written the way many RoomOS integrators do it: with the video
// matrix instead of monitor roles. People go to a display with `RemoteMain`, a local
// presentation with `SourceId`. RoomOS's matrix cannot route the far end's presentation, so
// for a remote presentation the large display is released to its monitor role and the
// roles are set so that role Second (the presentation) is the large one.
import xapi from 'xapi';

async function displays() {
  const connectors = await xapi.Status.Video.Output.Connector.get();
  return connectors
    .filter((c) => c.Connected === 'True')
    .map((c) => ({ id: Number(c.id), pixels: Number(c.Resolution.Width) * Number(c.Resolution.Height) }))
    .sort((a, b) => b.pixels - a.pixels || a.id - b.id);
}

let swapped = false;

async function arrange() {
  const [first, second, ...rest] = await displays();
  if (!second) return;
  const [large, small] = swapped ? [second, first] : [first, second];
  const presentation = await xapi.Status.Conference.Presentation.get();
  const local = (presentation.LocalInstance || []).find((i) => i.ghost !== 'True');
  await xapi.Command.Video.Matrix.Reset();
  for (const other of rest) await xapi.Command.Video.Matrix.Assign({ Output: other.id, RemoteMain: 1 });
  if (local) {
    await xapi.Command.Video.Matrix.Assign({ Output: large.id, SourceId: Number(local.Source) });
    await xapi.Command.Video.Matrix.Assign({ Output: small.id, RemoteMain: 1 });
  } else if (presentation.Mode === 'Receiving') {
    await xapi.Config.Video.Output.Connector[large.id].MonitorRole.set('Second');
    await xapi.Config.Video.Output.Connector[small.id].MonitorRole.set('First');
  } else {
    await xapi.Command.Video.Matrix.Assign({ Output: large.id, RemoteMain: 1 });
  }
}

const run = () => arrange().catch((e) => console.error('matrix-swap:', e.message));
xapi.Status.Video.Output.Connector.Connected.on(run);
xapi.Status.Conference.Presentation.on(() => {
  swapped = false;
  run();
});
// The same touch-panel button as display-swap's (its panel stays when that macro is off).
xapi.Event.UserInterface.Extensions.Widget.Action.on((e) => {
  if (e.WidgetId === 'display_swap_button' && e.Type === 'clicked') {
    swapped = !swapped;
    run();
  }
});
run();
