// UI Extensions from a macro, as the public collections do it: the macro saves its own panel
// at start, listens for widget actions, and answers a click on "lights_on" with a message and
// a new value on the "level" slider. Other actions (a press, a release, the slider moving)
// are ignored.
import xapi from 'xapi';

const PANEL_ID = 'lights';

const xml = `<Extensions>
  <Version>1.11</Version>
  <Panel>
    <Order>1</Order>
    <PanelId>${PANEL_ID}</PanelId>
    <Location>HomeScreen</Location>
    <Icon>Lightbulb</Icon>
    <Color>#CF7900</Color>
    <Name>Lights</Name>
    <ActivityType>Custom</ActivityType>
    <Page>
      <Name>Lights</Name>
      <Row>
        <Name>Power</Name>
        <Widget>
          <WidgetId>lights_on</WidgetId>
          <Name>Lights on</Name>
          <Type>Button</Type>
          <Options>size=2</Options>
        </Widget>
      </Row>
      <Row>
        <Name>Level</Name>
        <Widget>
          <WidgetId>level</WidgetId>
          <Type>Slider</Type>
          <Options>size=4</Options>
        </Widget>
      </Row>
      <PageId>lights_page</PageId>
    </Page>
  </Panel>
</Extensions>`;

xapi.Event.UserInterface.Extensions.Widget.Action.on(async (e) => {
  if (e.WidgetId !== 'lights_on' || e.Type !== 'clicked') return;
  // Show the level first, so whoever hears the message finds it in Status already.
  await xapi.Command.UserInterface.Extensions.Widget.SetValue({ WidgetId: 'level', Value: 70 });
  await xapi.Command.Message.Send({ Text: 'lights on: ' + e.Value });
});

async function start() {
  try {
    await xapi.Command.UserInterface.Extensions.Panel.Save({ PanelId: PANEL_ID }, xml);
    console.log('widget_macro saved its panel');
    await xapi.Command.Message.Send({ Text: 'widget_macro ready' });
  } catch (e) {
    console.error('widget_macro could not save its panel:', e.message);
    await xapi.Command.Message.Send({ Text: 'widget_macro failed: ' + e.message });
  }
}

start();
