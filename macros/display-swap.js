/**
 * display-swap: the presentation always lands on the biggest display.
 *
 * Rooms often have one large and one small display. RoomOS puts the presentation on the
 * display with the monitor role Second and people on First, by connector order, so the
 * presentation can end up on the small screen. This macro ranks the connected displays by
 * their native resolution (then by reported screen size, then connector) and sets the monitor
 * roles so that:
 *   - with no presentation, the remote speaker (Main, role First) is on the largest display;
 *   - while anything is presented (local HDMI, wireless share, or a remote participant), the
 *     presentation (role Second) is on the largest and the speaker on the next one;
 *   - when the presentation stops, everything swaps back.
 * A third display gets role Third. With one display there is nothing to swap: its role is
 * left to the device (Auto).
 *
 * A "Swap displays" button on the touch panel swaps manually; the next presentation change
 * returns to automatic behaviour.
 *
 * For integrators: only the public xapi API is used (Status Video Output, Status Conference
 * Presentation, Configuration Video Output Connector[n] MonitorRole, UI Extensions), so the
 * same file runs on RoomOS. Adapt RANK to your rooms, e.g. prefer a named display.
 */
import xapi from 'xapi';

const PANEL_ID = 'display_swap';
const BUTTON_ID = 'display_swap_button';

let manualSwap = false;

/** Connected displays, largest first: [{ id, pixels, inches }]. */
async function rankedDisplays() {
  const connectors = await xapi.Status.Video.Output.Connector.get();
  const displays = connectors
    .filter((c) => c.Connected === 'True')
    .map((c) => {
      const device = c.ConnectedDevice || {};
      const [width, height] = String(device.PreferredFormat || '').split('_').map(Number);
      const pixels = width && height
        ? width * height
        : Number(c.Resolution?.Width || 0) * Number(c.Resolution?.Height || 0);
      return { id: Number(c.id), pixels, inches: Number(device.ScreenSize || 0) };
    });
  // RANK: more pixels first, then the bigger screen, then the lower connector.
  return displays.sort((a, b) => b.pixels - a.pixels || b.inches - a.inches || a.id - b.id);
}

async function presentationShown() {
  const presentation = await xapi.Status.Conference.Presentation.get();
  const local = presentation.LocalInstance || [];
  return presentation.Mode !== 'Off' || local.some((i) => i.ghost !== 'True');
}

async function setRole(id, role) {
  const current = await xapi.Config.Video.Output.Connector[id].MonitorRole.get();
  if (current !== role) {
    await xapi.Config.Video.Output.Connector[id].MonitorRole.set(role);
  }
}

/** Puts people and presentation where they belong. */
async function arrange(reason) {
  const displays = await rankedDisplays();
  if (displays.length < 2) {
    await Promise.all(displays.map((d) => setRole(d.id, 'Auto')));
    return;
  }
  const presenting = await presentationShown();
  // The largest display shows the presentation while there is one; a manual swap inverts it.
  const largestShowsPresentation = presenting !== manualSwap;
  const [largest, next, ...others] = displays;
  await setRole(largest.id, largestShowsPresentation ? 'Second' : 'First');
  await setRole(next.id, largestShowsPresentation ? 'First' : 'Second');
  await Promise.all(others.map((d) => setRole(d.id, 'Third')));
  console.log(`arranged (${reason}): display ${largest.id} shows ${largestShowsPresentation ? 'the presentation' : 'people'}`);
}

function addSwapButton() {
  const xml = `<Extensions><Version>1.11</Version><Panel>
    <PanelId>${PANEL_ID}</PanelId><Location>HomeScreenAndCallControls</Location>
    <Icon>Sliders</Icon><Name>Swap displays</Name><ActivityType>Custom</ActivityType>
    <Page><Name>Displays</Name><PageId>${PANEL_ID}_page</PageId><Row><Name>Displays</Name>
      <Widget><WidgetId>${BUTTON_ID}</WidgetId><Name>Swap displays</Name><Type>Button</Type>
      <Options>size=2</Options></Widget>
    </Row></Page></Panel></Extensions>`;
  return xapi.Command.UserInterface.Extensions.Panel.Save({ PanelId: PANEL_ID }, xml);
}

function run(reason) {
  arrange(reason).catch((e) => console.error('display-swap could not arrange the displays:', e.message));
}

async function main() {
  await addSwapButton().catch((e) => console.warn('no swap button:', e.message));
  xapi.Status.Video.Output.Connector.Connected.on(() => run('displays changed'));
  xapi.Status.Video.Output.Connector.ConnectedDevice.on(() => run('displays changed'));
  xapi.Status.Conference.Presentation.on(() => {
    manualSwap = false;
    run('presentation changed');
  });
  xapi.Event.UserInterface.Extensions.Widget.Action.on((event) => {
    if (event.WidgetId === BUTTON_ID && event.Type === 'clicked') {
      manualSwap = !manualSwap;
      run('swap button');
    }
  });
  run('start');
}

main();
