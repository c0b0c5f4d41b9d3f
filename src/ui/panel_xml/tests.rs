//! Tests of reading, checking and writing the Extensions XML.

use super::*;

/// A panel with one widget of each kind, written the way the public samples are.
const GOOD: &str = r#"<?xml version="1.0"?>
<Extensions>
  <Version>1.11</Version>
  <Panel item="1" maxOccurrence="n">
<Order>3</Order>
<PanelId>room</PanelId>
<Origin>local</Origin>
<Location>HomeScreen</Location>
<Icon>Lightbulb</Icon>
<Color>#00D6A2</Color>
<Name>Room &amp; Lights</Name>
<ActivityType>Custom</ActivityType>
<Page>
  <Name>Lights</Name>
  <Row>
    <Name>Main</Name>
    <Widget>
      <WidgetId>lights_on</WidgetId>
      <Name>On</Name>
      <Type>Button</Type>
      <Options>size=1</Options>
    </Widget>
    <Widget>
      <WidgetId>level</WidgetId>
      <Type>Slider</Type>
      <Options>size=3</Options>
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
    <Widget><WidgetId>auto</WidgetId><Type>ToggleButton</Type></Widget>
    <Widget><WidgetId>pad</WidgetId><Type>DirectionalPad</Type></Widget>
    <Widget><WidgetId>temp</WidgetId><Type>Spinner</Type></Widget>
    <Widget><WidgetId>info</WidgetId><Name>Hello</Name><Type>Text</Type><Options>size=4;fontSize=small;align=center</Options></Widget>
    <Widget><WidgetId>gap</WidgetId><Type>Spacer</Type></Widget>
    <Widget><WidgetId>menu</WidgetId><Type>IconButton</Type><Options>size=1;icon=list</Options></Widget>
  </Row>
  <PageId>lights_page</PageId>
  <Options>hideRowNames=1</Options>
</Page>
  </Panel>
</Extensions>
"#;

fn err(xml: &str) -> String {
    parse(xml).expect_err("should be refused")
}

/// Wraps widgets in a minimal document (one panel, one page, one row).
fn widgets(inner: &str) -> String {
    format!(
        "<Extensions><Version>1.11</Version><Panel><PanelId>p</PanelId><Page><Name>P</Name><Row><Name>R</Name>{inner}</Row></Page></Panel></Extensions>"
    )
}

#[test]
fn a_good_panel_is_read_whole() {
    let doc = parse(GOOD).unwrap();
    assert_eq!(doc.version.as_deref(), Some("1.11"));
    let panel = &doc.panels[0];
    assert_eq!(panel.panel_id, "room");
    assert_eq!(panel.field("Name"), Some("Room & Lights"));
    assert_eq!(panel.field("Location"), Some("HomeScreen"));
    assert_eq!(panel.activity_type(), "Custom");
    assert!(panel.source.starts_with("<Panel item=\"1\""));
    assert!(panel.source.ends_with("</Panel>"));
    let page = &panel.pages[0];
    assert_eq!(page.page_id.as_deref(), Some("lights_page"));
    assert_eq!(page.options.as_deref(), Some("hideRowNames=1"));
    let all: Vec<(String, &Widget)> = panel.widgets().collect();
    assert_eq!(all.len(), 9);
    assert_eq!(all[1].0, "Page[1]/Row[1]/Widget[2]");
    assert_eq!(all[1].1.kind, WidgetType::Slider);
    let scene = all[2].1;
    assert_eq!(scene.kind, WidgetType::GroupButton);
    assert_eq!(
        scene.values,
        vec![
            Choice {
                key: "day".into(),
                name: Some("Day".into())
            },
            Choice {
                key: "night".into(),
                name: Some("Night".into())
            },
        ]
    );
    let listed = panel.to_json();
    assert_eq!(listed["PanelId"], "room");
    assert_eq!(
        listed["Page"][0]["Row"][1]["Widget"][0]["ValueSpace"]["Value"][1]["Key"],
        "night"
    );
}

#[test]
fn what_is_written_reads_back_the_same() {
    let doc = parse(GOOD).unwrap();
    let again = parse(&document(&[doc.panels[0].to_xml(true)])).unwrap();
    let (mut a, mut b) = (doc.panels[0].clone(), again.panels[0].clone());
    a.source.clear();
    b.source.clear();
    assert_eq!(a, b);
    let stored = parse_panel(&doc.panels[0].source).unwrap();
    assert_eq!(stored.pages, doc.panels[0].pages);
}

#[test]
fn older_panels_without_version_ids_or_names_are_fine() {
    let doc = parse(
        "<Extensions><Panel><Type>statusbar</Type><Icon>Sliders</Icon><Page><Row><Widget><WidgetId>w</WidgetId><Type>togglebutton</Type></Widget></Row></Page></Panel></Extensions>",
    )
    .unwrap();
    let panel = &doc.panels[0];
    assert_eq!(panel.panel_id, "", "the service assigns one");
    assert_eq!(
        panel.field("Type"),
        Some("Statusbar"),
        "literals are made canonical"
    );
    assert_eq!(
        panel.pages[0].rows[0].widgets[0].kind,
        WidgetType::ToggleButton
    );
}

#[test]
fn not_xml_names_line_and_column() {
    let e = err("<Extensions>\n  <Panel>\n</Extensions>");
    assert!(e.starts_with("not valid XML (line 3, column"), "{e}");
    let e = err("just text");
    assert!(e.contains("not valid XML (line 1, column 1)"), "{e}");
    assert!(err("  ").contains("empty"));
    let e = err("<Panels/>");
    assert!(e.contains("root element is <Panels>"), "{e}");
}

#[test]
fn an_unknown_widget_type_is_named_with_its_place() {
    let xml = GOOD.replace("<Type>Spinner</Type>", "<Type>Knob</Type>");
    let e = err(&xml);
    assert!(
        e.starts_with("Panel[1]/Page[1]/Row[2]/Widget[4] (line "),
        "{e}"
    );
    assert!(e.contains(r#"unknown widget Type "Knob""#), "{e}");
    assert!(e.contains("Button, IconButton, ToggleButton"), "{e}");
}

#[test]
fn the_error_line_is_the_element_line() {
    let e = err(
        "<Extensions>\n<Panel>\n<PanelId>p</PanelId>\n<Page>\n<Row>\n<Widget>\n<Type>Button</Type>\n</Widget>\n</Row>\n</Page>\n</Panel>\n</Extensions>",
    );
    assert_eq!(
        e,
        "Panel[1]/Page[1]/Row[1]/Widget[1] (line 6): missing <WidgetId>; every widget needs one"
    );
}

#[test]
fn widgets_need_an_id_and_a_type() {
    let e = err(&widgets("<Widget><Type>Button</Type></Widget>"));
    assert!(
        e.contains("Widget[1]") && e.contains("missing <WidgetId>"),
        "{e}"
    );
    let e = err(&widgets(
        "<Widget><WidgetId>  </WidgetId><Type>Button</Type></Widget>",
    ));
    assert!(e.contains("WidgetId is empty"), "{e}");
    let e = err(&widgets("<Widget><WidgetId>a</WidgetId></Widget>"));
    assert!(e.contains("widget \"a\" has no <Type>"), "{e}");
    let long = "x".repeat(256);
    let e = err(&widgets(&format!(
        "<Widget><WidgetId>{long}</WidgetId><Type>Button</Type></Widget>"
    )));
    assert!(e.contains("longer than 255"), "{e}");
}

#[test]
fn duplicate_ids_are_refused() {
    let two = |a: &str, b: &str| {
        format!(
            "<Extensions><Panel><PanelId>p1</PanelId><Page><Row>{a}</Row></Page></Panel><Panel><PanelId>p2</PanelId><Page><Row>{b}</Row></Page></Panel></Extensions>"
        )
    };
    let e = err(&two(
        "<Widget><WidgetId>x</WidgetId><Type>Slider</Type></Widget>",
        "<Widget><WidgetId>x</WidgetId><Type>Button</Type></Widget>",
    ));
    assert!(
        e.starts_with("Panel \"p2\"/Page[1]/Row[1]/Widget[1]: duplicate WidgetId \"x\""),
        "{e}"
    );
    assert!(
        e.contains("a Button here but a Slider in panel \"p1\""),
        "{e}"
    );
    // The same id on widgets of one type is one logical widget (UiExtensions-Panels.md).
    parse(&two(
        "<Widget><WidgetId>x</WidgetId><Type>Text</Type></Widget>",
        "<Widget><WidgetId>x</WidgetId><Type>Text</Type></Widget>",
    ))
    .unwrap();
    let e = err(
        "<Extensions><Panel><PanelId>a</PanelId></Panel><Panel><PanelId>a</PanelId></Panel></Extensions>",
    );
    assert!(e.contains("duplicate PanelId \"a\""), "{e}");
    let e = err(
        "<Extensions><Panel><PanelId>a</PanelId><Page><PageId>g</PageId></Page></Panel><Panel><PanelId>b</PanelId><Page><PageId>g</PageId></Page></Panel></Extensions>",
    );
    assert!(
        e.contains("Panel \"b\"/Page[1]: duplicate PageId \"g\""),
        "{e}"
    );
}

#[test]
fn group_buttons_and_value_spaces() {
    let e = err(&widgets(
        "<Widget><WidgetId>g</WidgetId><Type>GroupButton</Type></Widget>",
    ));
    assert!(e.contains("needs a <ValueSpace>"), "{e}");
    let e = err(&widgets(
        "<Widget><WidgetId>g</WidgetId><Type>GroupButton</Type><ValueSpace/></Widget>",
    ));
    assert!(
        e.contains("Widget[1]/ValueSpace") && e.contains("at least one <Value>"),
        "{e}"
    );
    let e = err(&widgets(
        "<Widget><WidgetId>g</WidgetId><Type>GroupButton</Type><ValueSpace><Value><Name>n</Name></Value></ValueSpace></Widget>",
    ));
    assert!(
        e.contains("ValueSpace/Value[1]") && e.contains("missing <Key>"),
        "{e}"
    );
    let e = err(&widgets(
        "<Widget><WidgetId>g</WidgetId><Type>GroupButton</Type><ValueSpace><Value><Key>a</Key></Value><Value><Key>a</Key></Value></ValueSpace></Widget>",
    ));
    assert!(
        e.contains("Value[2]") && e.contains("duplicate Key \"a\""),
        "{e}"
    );
    let e = err(&widgets(
        "<Widget><WidgetId>b</WidgetId><Type>Button</Type><ValueSpace><Value><Key>a</Key></Value></ValueSpace></Widget>",
    ));
    assert!(e.contains("only a GroupButton has a ValueSpace"), "{e}");
}

#[test]
fn unknown_or_repeated_elements_and_bad_fields() {
    let e = err(&widgets(
        "<Widget><widgetid>a</widgetid><Type>Button</Type></Widget>",
    ));
    assert!(
        e.contains("unknown element <widgetid>") && e.contains("did you mean <WidgetId>"),
        "{e}"
    );
    let e = err(&widgets("<Knob/>"));
    assert!(
        e.contains(
            "Panel[1]/Page[1]/Row[1] (line 1): unknown element <Knob>; expected one of Name, Widget"
        ),
        "{e}"
    );
    let e = err("<Extensions><Panel><PanelId>a</PanelId><PanelId>b</PanelId></Panel></Extensions>");
    assert!(
        e.contains("Panel[1]/PanelId") && e.contains("more than once"),
        "{e}"
    );
    let e = err("<Extensions><Panel><Type>Sidebar</Type></Panel></Extensions>");
    assert!(
        e.contains("unknown Type \"Sidebar\"; expected one of Statusbar, Home, InCall, Never"),
        "{e}"
    );
    let e = err("<Extensions><Panel><Location>Ceiling</Location></Panel></Extensions>");
    assert!(e.contains("unknown Location \"Ceiling\""), "{e}");
    let e = err("<Extensions><Panel><ActivityType>Game</ActivityType></Panel></Extensions>");
    assert!(e.contains("unknown ActivityType"), "{e}");
    let e = err("<Extensions><Version>2.0</Version></Extensions>");
    assert!(e.contains("unsupported Version \"2.0\""), "{e}");
    let e = err(&widgets(
        "<Widget><WidgetId>a</WidgetId><Type>Button</Type><Options>size=9</Options></Widget>",
    ));
    assert!(
        e.contains("Widget[1]/Options") && e.contains("size must be 1 to 4"),
        "{e}"
    );
    let e = err(&widgets(
        "<Widget><WidgetId>a</WidgetId><Type>Button</Type><Options>big</Options></Widget>",
    ));
    assert!(e.contains("option \"big\" is not key=value"), "{e}");
    let e = err(&widgets(
        "<Widget><WidgetId>a<b/></WidgetId><Type>Button</Type></Widget>",
    ));
    assert!(e.contains("holds text, not elements"), "{e}");
    let e = err("<Extensions><Panel>oops<PanelId>a</PanelId></Panel></Extensions>");
    assert!(e.contains("unexpected text \"oops\""), "{e}");
}

fn widget(kind: WidgetType) -> Widget {
    Widget {
        id: "w".into(),
        name: None,
        kind,
        options: None,
        values: vec![Choice {
            key: "a".into(),
            name: None,
        }],
    }
}

#[test]
fn each_widget_allows_its_own_actions() {
    let ok = |kind, t: &str, v: &str| widget(kind).check_action(t, v).unwrap();
    let no = |kind, t: &str, v: &str| widget(kind).check_action(t, v).unwrap_err();
    assert_eq!(
        ok(WidgetType::Button, "Clicked", ""),
        ("clicked".into(), "".into())
    );
    assert!(no(WidgetType::Button, "changed", "").contains("cannot be \"changed\""));
    assert!(no(WidgetType::Button, "clicked", "x").contains("carry no Value"));
    assert_eq!(
        ok(WidgetType::Slider, "changed", "128"),
        ("changed".into(), "128".into())
    );
    assert!(no(WidgetType::Slider, "changed", "256").contains("0 to 255"));
    assert!(no(WidgetType::Slider, "changed", "").contains("0 to 255"));
    assert!(no(WidgetType::Slider, "clicked", "3").contains("pressed, changed, released"));
    assert_eq!(ok(WidgetType::ToggleButton, "changed", "ON").1, "on");
    assert!(no(WidgetType::ToggleButton, "changed", "maybe").contains("on/off"));
    assert_eq!(ok(WidgetType::GroupButton, "pressed", "a").1, "a");
    assert!(no(WidgetType::GroupButton, "pressed", "b").contains("not a key"));
    assert_eq!(
        ok(WidgetType::Spinner, "clicked", "increment").1,
        "increment"
    );
    assert_eq!(
        ok(WidgetType::DirectionalPad, "pressed", "center").1,
        "center"
    );
    assert!(
        no(WidgetType::DirectionalPad, "pressed", "north").contains("up/down/left/right/center")
    );
    assert!(no(WidgetType::Text, "clicked", "").contains("no user actions"));
    assert!(no(WidgetType::Spacer, "clicked", "").contains("no user actions"));
}

#[test]
fn each_widget_shows_its_own_values() {
    let ok = |kind, v: &str| widget(kind).check_value(v).unwrap();
    let no = |kind, v: &str| widget(kind).check_value(v).unwrap_err();
    assert_eq!(ok(WidgetType::Slider, "070"), "70");
    assert!(no(WidgetType::Slider, "-1").contains("0 to 255"));
    assert_eq!(ok(WidgetType::ToggleButton, "Off"), "off");
    assert_eq!(ok(WidgetType::Button, "active"), "active");
    assert!(no(WidgetType::Button, "pressed").contains("active or inactive"));
    assert_eq!(ok(WidgetType::GroupButton, "a"), "a");
    assert_eq!(ok(WidgetType::Text, "21.5 °C"), "21.5 °C");
    assert!(no(WidgetType::Spacer, "x").contains("shows no value"));
}
