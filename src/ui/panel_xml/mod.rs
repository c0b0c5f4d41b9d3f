//! The UI Extensions XML: `<Extensions><Version/><Panel>…<Page><Row><Widget>…` (research note
//! xapi-macros.md §3.1), parsed into [`Extensions`], checked, and written back.
//!
//! Every error names the element it is about as a path (`Panel[1]/Page[2]/Row[1]/Widget[3]`)
//! with its line in the document, and says what is wrong with it. The rules for what a user
//! may do with each kind of widget, and what a macro may show on it, live here too
//! ([`Widget::check_action`], [`Widget::check_value`]), so the service and the tests share them.

use roxmltree::Document;
use std::collections::{HashMap, HashSet};

mod read;
#[cfg(test)]
mod tests;
mod widget;
mod write;

use read::Ctx;
pub use write::document;

/// The format version this device reports (`Extensions List`, `Export`).
pub const VERSION: &str = "1.11";

/// The longest PanelId, PageId or WidgetId (schema: 255 characters).
pub const MAX_ID_LEN: usize = 255;

/// Where older XML puts a panel (`<Type>`).
pub const PANEL_TYPES: [&str; 4] = ["Statusbar", "Home", "InCall", "Never"];
/// Where newer XML (and `Panel Update Location`) puts a panel.
pub const LOCATIONS: [&str; 6] = [
    "HomeScreen",
    "CallControls",
    "HomeScreenAndCallControls",
    "ControlPanel",
    "RoomScheduler",
    "Hidden",
];
pub const ACTIVITY_TYPES: [&str; 3] = ["Custom", "WebApp", "WebWidget"];
pub const VISIBILITIES: [&str; 2] = ["Auto", "Hidden"];
pub const MODES: [&str; 2] = ["Fullscreen", "Modal"];

/// A panel's plain fields, in the order RoomOS writes them (PanelId follows Order, and
/// CustomIcon follows Icon).
pub const PANEL_FIELDS: [&str; 11] = [
    "Order",
    "Origin",
    "Location",
    "Type",
    "Icon",
    "Color",
    "Name",
    "ActivityType",
    "ActivityData",
    "Visibility",
    "Mode",
];

/// The kinds of widget a row can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WidgetType {
    Button,
    IconButton,
    ToggleButton,
    Slider,
    GroupButton,
    DirectionalPad,
    Spinner,
    Text,
    Spacer,
}

impl WidgetType {
    pub const ALL: [WidgetType; 9] = [
        WidgetType::Button,
        WidgetType::IconButton,
        WidgetType::ToggleButton,
        WidgetType::Slider,
        WidgetType::GroupButton,
        WidgetType::DirectionalPad,
        WidgetType::Spinner,
        WidgetType::Text,
        WidgetType::Spacer,
    ];

    pub fn name(self) -> &'static str {
        match self {
            WidgetType::Button => "Button",
            WidgetType::IconButton => "IconButton",
            WidgetType::ToggleButton => "ToggleButton",
            WidgetType::Slider => "Slider",
            WidgetType::GroupButton => "GroupButton",
            WidgetType::DirectionalPad => "DirectionalPad",
            WidgetType::Spinner => "Spinner",
            WidgetType::Text => "Text",
            WidgetType::Spacer => "Spacer",
        }
    }

    /// The type named by `text`, in any case.
    pub fn parse(text: &str) -> Option<WidgetType> {
        WidgetType::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(text.trim()))
    }

    /// The action types (`Widget Action Type`) a user can cause on this kind of widget, and
    /// the values those actions carry (empty: no value; `None`: decided by the widget).
    fn actions(self) -> (&'static [&'static str], ActionValues) {
        match self {
            WidgetType::Button | WidgetType::IconButton => {
                (&["pressed", "released", "clicked"], ActionValues::Empty)
            }
            WidgetType::ToggleButton => (&["changed"], ActionValues::Fixed(&["on", "off"])),
            WidgetType::Slider => (&["pressed", "changed", "released"], ActionValues::Level),
            WidgetType::GroupButton => (&["pressed", "released"], ActionValues::Keys),
            WidgetType::Spinner => (
                &["pressed", "released", "clicked"],
                ActionValues::Fixed(&["increment", "decrement"]),
            ),
            WidgetType::DirectionalPad => (
                &["pressed", "released", "clicked"],
                ActionValues::Fixed(&["up", "down", "left", "right", "center"]),
            ),
            WidgetType::Text | WidgetType::Spacer => (&[], ActionValues::Empty),
        }
    }
}

#[derive(Clone, Copy)]
enum ActionValues {
    /// No value: `""`.
    Empty,
    /// One of these words.
    Fixed(&'static [&'static str]),
    /// A slider level, `0`..`255`.
    Level,
    /// A key of the widget's ValueSpace.
    Keys,
}

/// One choice of a GroupButton: `<Value><Key/><Name/></Value>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub key: String,
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Widget {
    pub id: String,
    pub name: Option<String>,
    pub kind: WidgetType,
    /// `key=value;key=value`, as written.
    pub options: Option<String>,
    /// The ValueSpace of a GroupButton (empty for other widgets).
    pub values: Vec<Choice>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub name: Option<String>,
    pub widgets: Vec<Widget>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    pub name: Option<String>,
    pub page_id: Option<String>,
    pub options: Option<String>,
    pub rows: Vec<Row>,
}

/// A custom icon: `<CustomIcon><Content>base64</Content><Id>sha</Id></CustomIcon>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomIcon {
    pub content: Option<String>,
    pub id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Panel {
    /// Empty when the XML gave none (the service assigns one).
    pub panel_id: String,
    /// The plain fields given ([`PANEL_FIELDS`] names), literals in canonical case.
    pub fields: Vec<(&'static str, String)>,
    pub custom_icon: Option<CustomIcon>,
    pub pages: Vec<Page>,
    /// The `<Panel>` element exactly as it was written.
    pub source: String,
}

/// A whole Extensions document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extensions {
    pub version: Option<String>,
    pub panels: Vec<Panel>,
}

/// Parses and checks an Extensions document. Panels without a PanelId keep an empty one.
pub fn parse(xml: &str) -> Result<Extensions, String> {
    if xml.trim().is_empty() {
        return Err("the body is empty; expected an <Extensions> XML document".into());
    }
    let doc = Document::parse(xml).map_err(|e| {
        let pos = e.pos();
        format!("not valid XML (line {}, column {}): {e}", pos.row, pos.col)
    })?;
    let root = doc.root_element();
    let at = Ctx { doc: &doc, xml };
    if root.tag_name().name() != "Extensions" {
        return Err(format!(
            "the document's root element is <{}> (line {}); expected <Extensions>",
            root.tag_name().name(),
            at.line(root)
        ));
    }
    let mut out = Extensions::default();
    let mut panel_count = 0;
    for child in at.elements(root, "Extensions")? {
        match child.tag_name().name() {
            "Version" => {
                let version = at.text(child, "Extensions/Version")?;
                let well_formed = version.split_once('.').is_some_and(|(major, minor)| {
                    major == "1" && !minor.is_empty() && minor.chars().all(|c| c.is_ascii_digit())
                });
                if !well_formed {
                    return Err(at.fail(
                        child,
                        "Extensions/Version",
                        &format!("unsupported Version {version:?}; expected 1.x (this device writes {VERSION})"),
                    ));
                }
                at.once(&out.version, child, "Extensions/Version")?;
                out.version = Some(version);
            }
            "Panel" => {
                panel_count += 1;
                out.panels
                    .push(at.panel(child, &format!("Panel[{panel_count}]"))?);
            }
            other => return Err(at.unknown(child, "Extensions", other, &["Version", "Panel"])),
        }
    }
    let refs: Vec<&Panel> = out.panels.iter().collect();
    check_together(&refs)?;
    Ok(out)
}

/// Parses one stored `<Panel>` element (its [`Panel::source`]).
pub fn parse_panel(source: &str) -> Result<Panel, String> {
    let mut doc = parse(&format!("<Extensions>{source}</Extensions>"))?;
    match doc.panels.len() {
        1 => Ok(doc.panels.remove(0)),
        n => Err(format!("expected one <Panel>, found {n}")),
    }
}

/// Checks panels that will be shown together: PanelIds and PageIds are unique, and a
/// WidgetId used on several widgets names widgets of one Type (they then act as one).
pub fn check_together(panels: &[&Panel]) -> Result<(), String> {
    let mut panel_ids = HashSet::new();
    let mut page_ids: HashMap<&str, &str> = HashMap::new();
    let mut widget_ids: HashMap<&str, (WidgetType, &str)> = HashMap::new();
    for (p, panel) in panels.iter().enumerate() {
        let panel_name = if panel.panel_id.is_empty() {
            format!("Panel[{}]", p + 1)
        } else {
            format!("Panel {:?}", panel.panel_id)
        };
        if !panel.panel_id.is_empty() && !panel_ids.insert(panel.panel_id.as_str()) {
            return Err(format!(
                "{panel_name}: duplicate PanelId {:?}; each panel needs its own",
                panel.panel_id
            ));
        }
        for (g, page) in panel.pages.iter().enumerate() {
            if let Some(id) = page.page_id.as_deref().filter(|id| !id.is_empty())
                && let Some(other) = page_ids.insert(id, &panel.panel_id)
            {
                return Err(format!(
                    "{panel_name}/Page[{}]: duplicate PageId {id:?} (already used in panel {other:?})",
                    g + 1
                ));
            }
        }
        for (where_, widget) in panel.widgets() {
            match widget_ids.get(widget.id.as_str()) {
                Some((kind, other)) if *kind != widget.kind => {
                    return Err(format!(
                        "{panel_name}/{where_}: duplicate WidgetId {:?}: it is a {} here but a {} in panel {other:?}; a WidgetId may repeat only on widgets of the same Type",
                        widget.id,
                        widget.kind.name(),
                        kind.name()
                    ));
                }
                Some(_) => {}
                None => {
                    widget_ids.insert(&widget.id, (widget.kind, &panel.panel_id));
                }
            }
        }
    }
    Ok(())
}
