//! UI Extensions driven through the bus, as macros, control systems and the touch panel do:
//! panels saved and listed, user actions checked and turned into events, values shown in
//! Status, and panels kept across a restart.

mod common;

use common::{caller, device, device_in, p};
use roomd::xapi::{Bus, Caller, Role, SubscriberHandle, Typing, XapiError};
use serde_json::{Value as Json, json};
use tokio::sync::mpsc::Receiver;
use tokio::sync::mpsc::error::TryRecvError;

const PANEL: &str = r#"<Extensions>
  <Version>1.11</Version>
  <Panel>
    <Order>1</Order>
    <PanelId>ignored_in_favour_of_the_parameter</PanelId>
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
          <Name>On</Name>
          <Type>Button</Type>
          <Options>size=2</Options>
        </Widget>
        <Widget>
          <WidgetId>level</WidgetId>
          <Type>Slider</Type>
          <Options>size=2</Options>
        </Widget>
      </Row>
      <Row>
        <Name>Scene</Name>
        <Widget>
          <WidgetId>scene</WidgetId>
          <Type>GroupButton</Type>
          <Options>size=4;columns=2</Options>
          <ValueSpace>
            <Value><Key>day</Key><Name>Day</Name></Value>
            <Value><Key>night</Key><Name>Night</Name></Value>
          </ValueSpace>
        </Widget>
        <Widget>
          <WidgetId>note</WidgetId>
          <Name>Hello</Name>
          <Type>Text</Type>
        </Widget>
      </Row>
      <PageId>lights_page</PageId>
    </Page>
  </Panel>
</Extensions>
"#;

async fn run(bus: &Bus, path: &str, params: Json, body: Option<&str>) -> Result<Json, XapiError> {
    let raw = params.as_object().cloned().unwrap_or_default();
    bus.command(
        &Caller::system(),
        &p(&format!("UserInterface Extensions {path}")),
        &raw,
        body.map(str::to_string),
    )
    .await
}

async fn save(bus: &Bus, id: &str, xml: &str) -> Result<Json, XapiError> {
    run(bus, "Panel Save", json!({ "PanelId": id }), Some(xml)).await
}

fn listen(
    bus: &std::sync::Arc<Bus>,
    path: &str,
) -> (SubscriberHandle, Receiver<roomd::xapi::Notification>) {
    let (handle, rx) = bus.subscriber(caller("macro", &[Role::Admin]), "test");
    handle.subscribe(&p(path)).unwrap();
    (handle, rx)
}

/// The next event, rendered as legacy clients (and macros) get it.
async fn next(rx: &mut Receiver<roomd::xapi::Notification>) -> Json {
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
        .await
        .expect("an event within 5 s")
        .expect("subscriber open");
    n.render(Typing::Legacy)
}

fn ext(event: &Json) -> &Json {
    &event["Event"]["UserInterface"]["Extensions"]
}

fn nothing(rx: &mut Receiver<roomd::xapi::Notification>) {
    match rx.try_recv() {
        Err(TryRecvError::Empty) => {}
        other => panic!(
            "expected no event, got {:?}",
            other.map(|n| n.render(Typing::Legacy))
        ),
    }
}

fn widgets_status(bus: &Bus) -> Json {
    bus.get(
        &Caller::system(),
        &p("Status UserInterface Extensions Widget"),
        Typing::Legacy,
    )
    .unwrap()
}

fn panel_ids(list: &Json) -> Vec<String> {
    list["Extensions"]["Panel"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| p["PanelId"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_saved_panel_is_listed_and_a_slider_action_reaches_listeners() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let (_layout, mut layout) = listen(bus, "Event UserInterface Extensions Widget LayoutUpdated");
    save(bus, "lights", PANEL).await.unwrap();
    assert!(
        ext(&next(&mut layout).await)["Widget"]
            .get("LayoutUpdated")
            .is_some()
    );

    let list = run(bus, "List", json!({}), None).await.unwrap();
    assert_eq!(list["Extensions"]["Version"], "1.11");
    let panel = &list["Extensions"]["Panel"][0];
    assert_eq!(panel["PanelId"], "lights", "the PanelId parameter wins");
    assert_eq!(panel["Name"], "Lights");
    assert_eq!(panel["ActivityType"], "Custom");
    let rows = &panel["Page"][0]["Row"];
    assert_eq!(rows[0]["Widget"][1]["WidgetId"], "level");
    assert_eq!(rows[0]["Widget"][1]["Type"], "Slider");
    assert_eq!(
        rows[1]["Widget"][0]["ValueSpace"]["Value"][1]["Key"],
        "night"
    );
    let none = run(bus, "List", json!({ "ActivityType": "WebWidget" }), None)
        .await
        .unwrap();
    assert_eq!(panel_ids(&none), Vec::<String>::new());

    let (_actions, mut actions) = listen(bus, "Event UserInterface Extensions Widget Action");
    let (_signals, mut signals) = listen(bus, "Event UserInterface Extensions Event");
    run(
        bus,
        "Widget Action",
        json!({ "WidgetId": "level", "Type": "changed", "Value": "128" }),
        None,
    )
    .await
    .unwrap();
    let event = next(&mut actions).await;
    assert_eq!(
        ext(&event)["Widget"]["Action"],
        json!({ "WidgetId": "level", "Type": "changed", "Value": "128" })
    );
    nothing(&mut actions);
    assert_eq!(
        ext(&next(&mut signals).await)["Event"]["Changed"],
        json!({ "Signal": "level:128" }),
        "the older signal form fires too"
    );
    // What the slider now shows is in Status.
    assert_eq!(
        widgets_status(bus),
        json!([{ "id": "1", "WidgetId": "level", "Value": "128" }])
    );

    // A button click carries an empty Value; Origin is passed on when given.
    run(
        bus,
        "Widget Action",
        json!({ "WidgetId": "lights_on", "Type": "Clicked", "Origin": "Controller" }),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        ext(&next(&mut actions).await)["Widget"]["Action"],
        json!({ "WidgetId": "lights_on", "Type": "clicked", "Value": "", "Origin": "Controller" })
    );
    assert_eq!(
        ext(&next(&mut signals).await)["Event"]["Clicked"],
        json!({ "Signal": "lights_on" })
    );
}

#[tokio::test]
async fn illegal_actions_are_refused_and_fire_nothing() {
    let (device, _dir) = device();
    let bus = &device.bus;
    save(bus, "lights", PANEL).await.unwrap();
    let (_h, mut rx) = listen(bus, "Event UserInterface Extensions");
    let cases = [
        (
            json!({ "WidgetId": "level", "Type": "changed", "Value": "256" }),
            "0 to 255",
        ),
        (
            json!({ "WidgetId": "level", "Type": "changed", "Value": "loud" }),
            "0 to 255",
        ),
        (
            json!({ "WidgetId": "level", "Type": "clicked", "Value": "3" }),
            "cannot be \"clicked\"",
        ),
        (
            json!({ "WidgetId": "lights_on", "Type": "changed" }),
            "cannot be \"changed\"",
        ),
        (
            json!({ "WidgetId": "lights_on", "Type": "clicked", "Value": "x" }),
            "carry no Value",
        ),
        (
            json!({ "WidgetId": "scene", "Type": "pressed", "Value": "dusk" }),
            "not a key",
        ),
        (
            json!({ "WidgetId": "note", "Type": "clicked" }),
            "no user actions",
        ),
        (json!({ "WidgetId": "lights_on" }), "needs a Type"),
        (
            json!({ "WidgetId": "nope", "Type": "clicked" }),
            "No widget with WidgetId \"nope\"",
        ),
    ];
    for (params, why) in cases {
        let err = run(bus, "Widget Action", params.clone(), None)
            .await
            .expect_err(&params.to_string());
        assert_eq!(err.code(), 1, "{params}: {err}");
        assert!(err.message.contains(why), "{params}: {}", err.message);
    }
    nothing(&mut rx);
    assert_eq!(widgets_status(bus), json!([]), "nothing shown either");
    // The group button's own keys are fine, and choosing one shows it.
    run(
        bus,
        "Widget Action",
        json!({ "WidgetId": "scene", "Type": "pressed", "Value": "night" }),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        ext(&next(&mut rx).await)["Widget"]["Action"]["Value"],
        "night"
    );
    assert_eq!(widgets_status(bus)[0]["Value"], "night");
}

#[tokio::test]
async fn set_value_shows_in_status_and_fires_no_action() {
    let (device, _dir) = device();
    let bus = &device.bus;
    save(bus, "lights", PANEL).await.unwrap();
    let (_h, mut rx) = listen(bus, "Event UserInterface Extensions Widget Action");
    let (_s, mut status) = listen(bus, "Status UserInterface Extensions Widget");
    run(
        bus,
        "Widget SetValue",
        json!({ "WidgetId": "level", "Value": 70 }),
        None,
    )
    .await
    .unwrap();
    run(
        bus,
        "Widget SetValue",
        json!({ "WidgetId": "note", "Value": "21 °C" }),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        widgets_status(bus),
        json!([
            { "id": "1", "WidgetId": "level", "Value": "70" },
            { "id": "2", "WidgetId": "note", "Value": "21 °C" },
        ])
    );
    let change = next(&mut status).await;
    assert_eq!(
        change["Status"]["UserInterface"]["Extensions"]["Widget"],
        json!([{ "id": "1", "WidgetId": "level", "Value": "70" }])
    );
    // A new value for the same widget keeps its place in the list.
    run(
        bus,
        "Widget SetValue",
        json!({ "WidgetId": "level", "Value": "200" }),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        widgets_status(bus)[0],
        json!({ "id": "1", "WidgetId": "level", "Value": "200" })
    );
    nothing(&mut rx);

    for (params, why) in [
        (json!({ "WidgetId": "level", "Value": "300" }), "0 to 255"),
        (
            json!({ "WidgetId": "lights_on", "Value": "pressed" }),
            "active or inactive",
        ),
        (json!({ "WidgetId": "scene", "Value": "dusk" }), "not a key"),
        (json!({ "WidgetId": "ghost", "Value": "1" }), "No widget"),
    ] {
        let err = run(bus, "Widget SetValue", params.clone(), None)
            .await
            .unwrap_err();
        assert!(err.message.contains(why), "{params}: {}", err.message);
    }
    assert_eq!(widgets_status(bus).as_array().unwrap().len(), 2);

    run(
        bus,
        "Widget UnsetValue",
        json!({ "WidgetId": "level" }),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        widgets_status(bus),
        json!([{ "id": "2", "WidgetId": "note", "Value": "21 °C" }])
    );
    // Removing the panel clears what its widgets showed.
    run(bus, "Panel Remove", json!({ "PanelId": "lights" }), None)
        .await
        .unwrap();
    assert_eq!(widgets_status(bus), json!([]));
    nothing(&mut rx);
}

#[tokio::test]
async fn panels_survive_a_restart() {
    let (device, dir) = device();
    save(&device.bus, "lights", PANEL).await.unwrap();
    run(
        &device.bus,
        "Panel Update",
        json!({ "PanelId": "lights", "Name": "Lamps", "Visibility": "Hidden" }),
        None,
    )
    .await
    .unwrap();
    drop(device);

    let again = device_in(dir.path());
    let list = run(&again.bus, "List", json!({}), None).await.unwrap();
    assert_eq!(panel_ids(&list), vec!["lights"]);
    let panel = &list["Extensions"]["Panel"][0];
    assert_eq!(panel["Name"], "Lamps", "updates are kept too");
    assert_eq!(panel["Visibility"], "Hidden");
    assert_eq!(panel["Page"][0]["Row"][0]["Widget"][1]["WidgetId"], "level");
    // The widgets work after the restart.
    run(
        &again.bus,
        "Widget Action",
        json!({ "WidgetId": "lights_on", "Type": "clicked" }),
        None,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn malformed_xml_is_refused_and_the_panels_stay() {
    let (device, dir) = device();
    let bus = &device.bus;
    save(bus, "lights", PANEL).await.unwrap();
    let before = run(bus, "List", json!({}), None).await.unwrap();
    let file = dir.path().join(roomd::ui::extensions::FILE);
    let stored = std::fs::read(&file).unwrap();
    let (_h, mut rx) = listen(bus, "Event UserInterface Extensions");

    let knob = PANEL.replace("<Type>Slider</Type>", "<Type>Knob</Type>");
    let err = save(bus, "lights", &knob).await.unwrap_err();
    assert_eq!(err.code(), 1);
    assert!(
        err.message
            .starts_with("Panel[1]/Page[1]/Row[1]/Widget[2] (line "),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("unknown widget Type \"Knob\""),
        "{}",
        err.message
    );

    let err = save(bus, "other", "<Extensions><Panel>").await.unwrap_err();
    assert!(
        err.message.starts_with("not valid XML (line 1, column"),
        "{}",
        err.message
    );

    let no_id = PANEL.replace("<WidgetId>scene</WidgetId>", "");
    let err = save(bus, "lights", &no_id).await.unwrap_err();
    assert!(
        err.message.contains("Row[2]/Widget[1]") && err.message.contains("missing <WidgetId>"),
        "{}",
        err.message
    );

    // A second panel may not reuse a WidgetId for a different kind of widget.
    let clash = PANEL
        .replace("<Type>Slider</Type>", "<Type>Text</Type>")
        .replace("lights_page", "other_page");
    let err = save(bus, "other", &clash).await.unwrap_err();
    assert!(
        err.message.contains("duplicate WidgetId \"level\"")
            && err
                .message
                .contains("a Text here but a Slider in panel \"lights\""),
        "{}",
        err.message
    );

    let err = run(bus, "Panel Save", json!({ "PanelId": "x" }), None)
        .await
        .unwrap_err();
    assert!(err.message.contains("as its body"), "{}", err.message);

    assert_eq!(run(bus, "List", json!({}), None).await.unwrap(), before);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        stored,
        "the stored file is untouched"
    );
    nothing(&mut rx);
}

#[tokio::test]
async fn panels_open_close_and_click() {
    let (device, _dir) = device();
    let bus = &device.bus;
    save(bus, "lights", PANEL).await.unwrap();
    let (_h, mut rx) = listen(bus, "Event UserInterface Extensions");

    run(bus, "Panel Clicked", json!({ "PanelId": "lights" }), None)
        .await
        .unwrap();
    assert_eq!(
        ext(&next(&mut rx).await)["Panel"]["Clicked"],
        json!({ "PanelId": "lights" })
    );

    run(bus, "Panel Open", json!({ "PanelId": "lights" }), None)
        .await
        .unwrap();
    assert_eq!(
        ext(&next(&mut rx).await)["Panel"]["Open"],
        json!({ "PanelId": "lights", "PageId": "lights_page", "PeripheralId": "", "Target": "Auto" })
    );
    assert_eq!(
        ext(&next(&mut rx).await)["Page"]["Action"],
        json!({ "PageId": "lights_page", "Type": "Opened" })
    );
    assert_eq!(
        ext(&next(&mut rx).await)["Event"]["PageOpened"],
        json!({ "PageId": "lights_page" })
    );

    run(bus, "Panel Close", json!({ "Target": "OSD" }), None)
        .await
        .unwrap();
    assert_eq!(
        ext(&next(&mut rx).await)["Panel"]["Close"],
        json!({ "PeripheralId": "", "Target": "OSD" })
    );
    assert_eq!(
        ext(&next(&mut rx).await)["Page"]["Action"],
        json!({ "PageId": "lights_page", "Type": "Closed" })
    );
    assert_eq!(
        ext(&next(&mut rx).await)["Event"]["PageClosed"],
        json!({ "PageId": "lights_page" })
    );

    for (path, params, why) in [
        (
            "Panel Open",
            json!({ "PanelId": "nope" }),
            "No panel with PanelId \"nope\"",
        ),
        (
            "Panel Open",
            json!({ "PanelId": "lights", "PageId": "p9" }),
            "no page with PageId \"p9\"",
        ),
        (
            "Panel Open",
            json!({ "PanelId": "lights", "Target": "OSD", "PeripheralId": "m" }),
            "not both",
        ),
        ("Panel Clicked", json!({ "PanelId": "nope" }), "No panel"),
        ("Panel Remove", json!({ "PanelId": "nope" }), "No panel"),
        (
            "Panel Update",
            json!({ "PanelId": "nope", "Name": "x" }),
            "No panel",
        ),
    ] {
        let err = run(bus, path, params.clone(), None).await.unwrap_err();
        assert!(
            err.message.contains(why),
            "{path} {params}: {}",
            err.message
        );
    }
    nothing(&mut rx);
}

#[tokio::test]
async fn set_replaces_everything_and_export_gives_it_back() {
    let (device, _dir) = device();
    let bus = &device.bus;
    save(bus, "lights", PANEL).await.unwrap();
    let two = r#"<Extensions><Version>1.5</Version>
      <Panel><Type>Statusbar</Type><Icon>Camera</Icon><Name>Cam</Name>
        <Page><Name>Cam</Name><Row><Widget><WidgetId>pad</WidgetId><Type>DirectionalPad</Type></Widget></Row></Page>
      </Panel>
      <Panel><PanelId>web</PanelId><Name>Web</Name><ActivityType>WebWidget</ActivityType></Panel>
    </Extensions>"#;
    run(bus, "Set", json!({ "ConfigId": "example" }), Some(two))
        .await
        .unwrap();
    let list = run(bus, "List", json!({}), None).await.unwrap();
    assert_eq!(panel_ids(&list), vec!["panel_1", "web"]);
    let web = run(bus, "List", json!({ "ActivityType": "WebWidget" }), None)
        .await
        .unwrap();
    assert_eq!(panel_ids(&web), vec!["web"]);
    run(
        bus,
        "Widget Action",
        json!({ "WidgetId": "pad", "Type": "pressed", "Value": "up" }),
        None,
    )
    .await
    .unwrap();
    assert!(
        run(
            bus,
            "Widget Action",
            json!({ "WidgetId": "level", "Type": "changed", "Value": "1" }),
            None
        )
        .await
        .is_err(),
        "the old panel's widgets are gone"
    );

    let export = run(bus, "Export", json!({}), None).await.unwrap();
    let xml = export["Extensions"].as_str().unwrap();
    let doc = roomd::ui::panel_xml::parse(xml).unwrap();
    assert_eq!(doc.panels.len(), 2);
    assert_eq!(doc.panels[0].panel_id, "panel_1");
    assert_eq!(doc.panels[1].panel_id, "web");

    run(bus, "Clear", json!({ "ActivityType": "WebWidget" }), None)
        .await
        .unwrap();
    assert_eq!(
        panel_ids(&run(bus, "List", json!({}), None).await.unwrap()),
        vec!["panel_1"]
    );
    run(bus, "Clear", json!({}), None).await.unwrap();
    assert_eq!(
        panel_ids(&run(bus, "List", json!({}), None).await.unwrap()),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn panel_save_needs_the_role_the_schema_gives_it() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let user = caller("someone", &[Role::User]);
    let raw = json!({ "PanelId": "lights" }).as_object().cloned().unwrap();
    let err = bus
        .command(
            &user,
            &p("UserInterface Extensions Panel Save"),
            &raw,
            Some(PANEL.to_string()),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), -31999);
    // Widget Action is open to users (the touch panel acts as one); its ids still checked.
    let raw = json!({ "WidgetId": "x", "Type": "clicked" })
        .as_object()
        .cloned()
        .unwrap();
    let err = bus
        .command(
            &user,
            &p("UserInterface Extensions Widget Action"),
            &raw,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), 1);
}
