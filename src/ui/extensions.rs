//! `UserInterface Extensions`: the custom panels of the touch controller and the OSD.
//!
//! Panels arrive as XML (`Panel Save`, `Set`), are checked by [`panel_xml`], and are kept
//! durably in `ui-extensions.json` in the data dir, so they survive restarts. The touch UI
//! (or a test, or a macro simulating one) reports what users do with `Widget Action` and
//! `Panel Clicked`; each becomes the event macros listen for. Macros show values with
//! `Widget SetValue`, which changes what the panel shows (mirrored in
//! `Status UserInterface Extensions Widget[n] WidgetId/Value`) and fires no action.
//!
//! Every action and value is checked against the widget it is for: a Slider reports 0..255,
//! a ToggleButton on/off, a GroupButton one of its keys, and so on (research note §3.2). A
//! refused command changes nothing and fires nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json, json};

use super::panel_xml::{self, Panel, Widget};
use crate::store::{self, Loaded};
use crate::xapi::{Bus, CommandResult, Invocation, StatusWriter, XapiError};

/// The file in the data dir that holds the panels.
pub const FILE: &str = "ui-extensions.json";

/// What is stored: each panel's XML as it was written, and what `Panel Update` changed since.
#[derive(Serialize, Deserialize, Default)]
struct Stored {
    #[serde(default)]
    config_id: Option<String>,
    panels: Vec<StoredPanel>,
}

#[derive(Serialize, Deserialize, Clone)]
struct StoredPanel {
    panel_id: String,
    /// The `<Panel>` element as uploaded.
    xml: String,
    /// `Panel Update` fields (panel field names, and `IconId`), applied over the XML.
    #[serde(default)]
    updates: BTreeMap<String, String>,
}

/// A panel in force: its model (updates applied) and what is stored for it.
#[derive(Clone)]
struct Entry {
    panel: Panel,
    stored: StoredPanel,
}

impl Entry {
    fn new(mut panel: Panel, panel_id: &str) -> Entry {
        panel.panel_id = panel_id.to_string();
        let stored = StoredPanel {
            panel_id: panel_id.to_string(),
            xml: panel.source.clone(),
            updates: BTreeMap::new(),
        };
        Entry { panel, stored }
    }

    fn restore(stored: StoredPanel) -> Result<Entry, String> {
        let mut panel = panel_xml::parse_panel(&stored.xml)?;
        panel.panel_id = stored.panel_id.clone();
        for (name, value) in &stored.updates {
            apply_update(&mut panel, name, value);
        }
        Ok(Entry { panel, stored })
    }

    fn id(&self) -> &str {
        &self.panel.panel_id
    }

    /// The panel's XML for `Export`: as uploaded while nothing has changed it since.
    fn xml(&self, embed_icons: bool) -> String {
        let untouched = self.stored.updates.is_empty()
            && panel_xml::parse_panel(&self.stored.xml)
                .is_ok_and(|p| p.panel_id == self.panel.panel_id)
            && (embed_icons || self.panel.custom_icon.is_none());
        if untouched {
            format!("  {}\n", self.stored.xml)
        } else {
            self.panel.to_xml(embed_icons)
        }
    }
}

fn apply_update(panel: &mut Panel, name: &str, value: &str) {
    match name {
        "IconId" => {
            panel.custom_icon.get_or_insert_with(Default::default).id = Some(value.to_string());
        }
        "Location" => {
            // Location supersedes the older Type.
            panel.remove_field("Type");
            panel.set_field(name, value);
        }
        _ => panel.set_field(name, value),
    }
}

struct State {
    config_id: Option<String>,
    panels: Vec<Entry>,
    /// Widgets showing a value: WidgetId → (Status list index, value).
    values: BTreeMap<String, (u32, String)>,
    /// The panel and page on screen since `Panel Open`.
    open: Option<(String, String)>,
}

fn panel<'s>(panels: &'s [Entry], id: &str) -> Result<&'s Entry, XapiError> {
    panels
        .iter()
        .find(|e| e.id() == id)
        .ok_or_else(|| XapiError::command_failed(format!("No panel with PanelId {id:?}")))
}

/// The widget with this id (widgets sharing an id are of one type and act as one).
fn widget<'s>(panels: &'s [Entry], id: &str) -> Option<&'s Widget> {
    panels
        .iter()
        .flat_map(|e| e.panel.widgets())
        .map(|(_, w)| w)
        .find(|w| w.id == id)
}

fn known_widget<'s>(panels: &'s [Entry], id: &str) -> Result<&'s Widget, XapiError> {
    widget(panels, id).ok_or_else(|| {
        XapiError::command_failed(format!(
            "No widget with WidgetId {id:?} in the panels on this device"
        ))
    })
}

struct Extensions {
    bus: Arc<Bus>,
    status: StatusWriter,
    path: PathBuf,
    state: Mutex<State>,
}

type Command = fn(&Extensions, &Invocation) -> CommandResult;

/// Loads the stored panels and registers the `UserInterface Extensions` commands.
pub fn install(bus: &Arc<Bus>, data_dir: &Path) {
    let path = data_dir.join(FILE);
    let stored = match store::load_json::<Stored>(&path) {
        Loaded::Found(s) => s,
        Loaded::Missing | Loaded::Corrupt(_) => Stored::default(),
    };
    let mut panels = Vec::new();
    for s in stored.panels {
        let id = s.panel_id.clone();
        match Entry::restore(s) {
            Ok(entry) => panels.push(entry),
            Err(e) => tracing::error!("stored UI extension panel {id:?} not loaded: {e}"),
        }
    }
    let service = Arc::new(Extensions {
        bus: bus.clone(),
        status: bus.claim_status("UserInterface Extensions", "UserInterface Extensions"),
        path,
        state: Mutex::new(State {
            config_id: stored.config_id,
            panels,
            values: BTreeMap::new(),
            open: None,
        }),
    });
    let commands: [(&str, Command); 13] = [
        ("Panel Save", Extensions::panel_save),
        ("Panel Remove", Extensions::panel_remove),
        ("Panel Update", Extensions::panel_update),
        ("Panel Open", Extensions::panel_open),
        ("Panel Close", Extensions::panel_close),
        ("Panel Clicked", Extensions::panel_clicked),
        ("List", Extensions::list),
        ("Clear", Extensions::clear),
        ("Set", Extensions::set),
        ("Export", Extensions::export),
        ("Widget SetValue", Extensions::widget_set_value),
        ("Widget UnsetValue", Extensions::widget_unset_value),
        ("Widget Action", Extensions::widget_action),
    ];
    for (name, run) in commands {
        let s = service.clone();
        bus.handle_sync(&format!("UserInterface Extensions {name}"), move |inv| {
            run(&s, &inv)
        });
    }
}

/// Copies the optional parameters given into event fields.
fn pass_on(inv: &Invocation, names: &[&str], fields: &mut Map<String, Json>) {
    for name in names {
        if let Some(v) = inv.params.text(name) {
            fields.insert(name.to_string(), json!(v));
        }
    }
}

/// `Target` and `PeripheralId` say where; a command names one of them at most.
fn one_screen(inv: &Invocation) -> Result<(String, String), XapiError> {
    let target = inv.params.text("Target");
    let peripheral = inv.params.text("PeripheralId");
    if target.is_some() && peripheral.is_some() {
        return Err(XapiError::command_failed(
            "Give either Target or PeripheralId, not both",
        ));
    }
    Ok((
        target.unwrap_or_else(|| "Auto".into()),
        peripheral.unwrap_or_default(),
    ))
}

impl Extensions {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn emit(&self, event: &str, fields: Json) -> Result<(), XapiError> {
        self.bus
            .emit(&format!("UserInterface Extensions {event}"), fields)
    }

    /// Makes `panels` the panels in force: checked together and stored durably first (the
    /// state is untouched if either fails), then applied; widget values that no longer fit
    /// are cleared, and screens are told the layout changed.
    fn replace(
        &self,
        state: &mut State,
        panels: Vec<Entry>,
        config_id: Option<String>,
    ) -> Result<(), XapiError> {
        let refs: Vec<&Panel> = panels.iter().map(|e| &e.panel).collect();
        panel_xml::check_together(&refs).map_err(XapiError::command_failed)?;
        let stored = Stored {
            config_id: config_id.clone(),
            panels: panels.iter().map(|e| e.stored.clone()).collect(),
        };
        store::save_json(&self.path, &stored)
            .map_err(|e| XapiError::internal(format!("could not store the UI extensions: {e}")))?;
        state.panels = panels;
        state.config_id = config_id;
        if let Some((open, _)) = &state.open
            && panel(&state.panels, open).is_err()
        {
            state.open = None;
        }
        self.prune_values(state)?;
        self.emit("Widget LayoutUpdated", json!({}))
    }

    /// Clears the shown values of widgets that are gone or can no longer show them.
    fn prune_values(&self, state: &mut State) -> Result<(), XapiError> {
        let stale: Vec<(String, u32)> = state
            .values
            .iter()
            .filter(|(id, (_, value))| {
                widget(&state.panels, id).is_none_or(|w| w.check_value(value).is_err())
            })
            .map(|(id, (index, _))| (id.clone(), *index))
            .collect();
        if stale.is_empty() {
            return Ok(());
        }
        for (id, _) in &stale {
            state.values.remove(id);
        }
        self.status.update(|b| {
            for (_, index) in &stale {
                b.remove(&format!("UserInterface Extensions Widget {index}"))?;
            }
            Ok(())
        })
    }

    /// Shows a value on a widget, in Status.
    fn show(&self, state: &mut State, id: &str, value: &str) -> Result<(), XapiError> {
        let index = match state.values.get(id) {
            Some((index, _)) => *index,
            None => state.values.values().map(|(i, _)| *i).max().unwrap_or(0) + 1,
        };
        self.status.update(|b| {
            b.set(
                &format!("UserInterface Extensions Widget {index} WidgetId"),
                id,
            )?;
            b.set(
                &format!("UserInterface Extensions Widget {index} Value"),
                value,
            )
        })?;
        state
            .values
            .insert(id.to_string(), (index, value.to_string()));
        Ok(())
    }

    fn body<'i>(inv: &'i Invocation, command: &str) -> Result<&'i str, XapiError> {
        inv.body.as_deref().ok_or_else(|| {
            XapiError::command_failed(format!(
                "{command} takes an <Extensions> XML document as its body"
            ))
        })
    }

    /// `Panel Save PanelId` + XML: adds the panel, or replaces the one with that id in place.
    fn panel_save(&self, inv: &Invocation) -> CommandResult {
        let id = inv.params.text("PanelId").unwrap_or_default();
        let mut doc =
            panel_xml::parse(Self::body(inv, "Panel Save")?).map_err(XapiError::command_failed)?;
        if doc.panels.len() != 1 {
            return Err(XapiError::command_failed(format!(
                "Panel Save takes an <Extensions> holding exactly one <Panel>, not {}; use UserInterface Extensions Set for several",
                doc.panels.len()
            )));
        }
        let entry = Entry::new(doc.panels.remove(0), &id);
        let mut state = self.lock();
        let mut panels = state.panels.clone();
        match panels.iter_mut().find(|e| e.id() == id) {
            Some(slot) => *slot = entry,
            None => panels.push(entry),
        }
        let config_id = state.config_id.clone();
        self.replace(&mut state, panels, config_id)?;
        Ok(Map::new())
    }

    fn panel_remove(&self, inv: &Invocation) -> CommandResult {
        let id = inv.params.text("PanelId").unwrap_or_default();
        let mut state = self.lock();
        panel(&state.panels, &id)?;
        let panels = state
            .panels
            .iter()
            .filter(|e| e.id() != id)
            .cloned()
            .collect();
        let config_id = state.config_id.clone();
        self.replace(&mut state, panels, config_id)?;
        Ok(Map::new())
    }

    /// `Panel Update PanelId [Name Icon IconId Color Location Visibility Mode]`.
    fn panel_update(&self, inv: &Invocation) -> CommandResult {
        const FIELDS: [&str; 7] = [
            "Name",
            "Icon",
            "IconId",
            "Color",
            "Location",
            "Visibility",
            "Mode",
        ];
        let id = inv.params.text("PanelId").unwrap_or_default();
        let mut state = self.lock();
        let mut entry = panel(&state.panels, &id)?.clone();
        for name in FIELDS {
            if let Some(value) = inv.params.text(name) {
                apply_update(&mut entry.panel, name, &value);
                entry.stored.updates.insert(name.to_string(), value);
            }
        }
        let panels = state
            .panels
            .iter()
            .map(|e| {
                if e.id() == id {
                    entry.clone()
                } else {
                    e.clone()
                }
            })
            .collect();
        let config_id = state.config_id.clone();
        self.replace(&mut state, panels, config_id)?;
        Ok(Map::new())
    }

    /// `Panel Open PanelId [PageId] [Target|PeripheralId]`: tells the screens to open the
    /// panel, then reports the page as opened (a page without a PageId is not reported).
    fn panel_open(&self, inv: &Invocation) -> CommandResult {
        let id = inv.params.text("PanelId").unwrap_or_default();
        let (target, peripheral) = one_screen(inv)?;
        let mut state = self.lock();
        let entry = panel(&state.panels, &id)?;
        let page_id = match inv.params.text("PageId") {
            Some(page) => {
                if !entry
                    .panel
                    .pages
                    .iter()
                    .any(|p| p.page_id.as_deref() == Some(page.as_str()))
                {
                    return Err(XapiError::command_failed(format!(
                        "Panel {id:?} has no page with PageId {page:?}"
                    )));
                }
                page
            }
            None => entry
                .panel
                .pages
                .first()
                .and_then(|p| p.page_id.clone())
                .unwrap_or_default(),
        };
        let closing = state.open.take().map(|(_, page)| page);
        self.emit(
            "Panel Open",
            json!({ "PanelId": id, "PageId": page_id, "PeripheralId": peripheral, "Target": target }),
        )?;
        if let Some(old) = closing.filter(|p| !p.is_empty() && *p != page_id) {
            self.page_event(&old, false)?;
        }
        if !page_id.is_empty() {
            self.page_event(&page_id, true)?;
        }
        state.open = Some((id, page_id));
        Ok(Map::new())
    }

    /// `Page Action {PageId, Type}` and the older `Event PageOpened/PageClosed {PageId}`.
    fn page_event(&self, page_id: &str, opened: bool) -> Result<(), XapiError> {
        let (kind, older) = if opened {
            ("Opened", "Event PageOpened")
        } else {
            ("Closed", "Event PageClosed")
        };
        self.emit("Page Action", json!({ "PageId": page_id, "Type": kind }))?;
        self.emit(older, json!({ "PageId": page_id }))
    }

    fn panel_close(&self, inv: &Invocation) -> CommandResult {
        let (target, peripheral) = one_screen(inv)?;
        let mut state = self.lock();
        self.emit(
            "Panel Close",
            json!({ "PeripheralId": peripheral, "Target": target }),
        )?;
        if let Some((_, page)) = state.open.take()
            && !page.is_empty()
        {
            self.page_event(&page, false)?;
        }
        Ok(Map::new())
    }

    /// `Panel Clicked PanelId [Origin] [PeripheralId]`: a user tapped the panel's button.
    fn panel_clicked(&self, inv: &Invocation) -> CommandResult {
        let id = inv.params.text("PanelId").unwrap_or_default();
        let state = self.lock();
        panel(&state.panels, &id)?;
        let mut fields = Map::new();
        fields.insert("PanelId".into(), json!(id));
        pass_on(inv, &["Origin", "PeripheralId"], &mut fields);
        self.emit("Panel Clicked", Json::Object(fields))?;
        Ok(Map::new())
    }

    /// `List [ActivityType]` → `{Extensions: {Version, Panel: [{PanelId, Name, …, Page: […]}]}}`.
    fn list(&self, inv: &Invocation) -> CommandResult {
        let want = inv.params.text("ActivityType");
        let state = self.lock();
        let panels: Vec<Json> = state
            .panels
            .iter()
            .filter(|e| want.as_deref().is_none_or(|t| e.panel.activity_type() == t))
            .enumerate()
            .map(|(i, e)| {
                let mut p = e.panel.to_json();
                if let Json::Object(map) = &mut p {
                    map.shift_insert(0, "id".into(), json!(i + 1));
                }
                p
            })
            .collect();
        let mut extensions = Map::new();
        extensions.insert("Version".into(), json!(panel_xml::VERSION));
        if !panels.is_empty() {
            extensions.insert("Panel".into(), Json::Array(panels));
        }
        let mut result = Map::new();
        result.insert("Extensions".into(), Json::Object(extensions));
        Ok(result)
    }

    /// `Clear [ActivityType]`: removes every panel (of that activity type).
    fn clear(&self, inv: &Invocation) -> CommandResult {
        let want = inv.params.text("ActivityType");
        let mut state = self.lock();
        let panels: Vec<Entry> = state
            .panels
            .iter()
            .filter(|e| {
                want.as_deref()
                    .is_some_and(|t| e.panel.activity_type() != t)
            })
            .cloned()
            .collect();
        let config_id = if want.is_none() {
            None
        } else {
            state.config_id.clone()
        };
        self.replace(&mut state, panels, config_id)?;
        Ok(Map::new())
    }

    /// `Set ConfigId` + XML: the document's panels replace all panels. Panels without a
    /// PanelId get `panel_1`, `panel_2`, ….
    fn set(&self, inv: &Invocation) -> CommandResult {
        let config_id = inv.params.text("ConfigId");
        let doc = panel_xml::parse(Self::body(inv, "Extensions Set")?)
            .map_err(XapiError::command_failed)?;
        let mut taken: Vec<String> = doc
            .panels
            .iter()
            .map(|p| p.panel_id.clone())
            .filter(|id| !id.is_empty())
            .collect();
        let mut next = 1;
        let panels = doc
            .panels
            .into_iter()
            .map(|p| {
                let id = if p.panel_id.is_empty() {
                    while taken.contains(&format!("panel_{next}")) {
                        next += 1;
                    }
                    let id = format!("panel_{next}");
                    taken.push(id.clone());
                    id
                } else {
                    p.panel_id.clone()
                };
                Entry::new(p, &id)
            })
            .collect();
        let mut state = self.lock();
        self.replace(&mut state, panels, config_id)?;
        Ok(Map::new())
    }

    /// `Export [EmbedData]` → `{Extensions: "<Extensions>…</Extensions>"}`: every panel as
    /// one XML document; `EmbedData: Off` leaves out custom icon images.
    fn export(&self, inv: &Invocation) -> CommandResult {
        let embed = inv.params.text("EmbedData").is_none_or(|v| v == "On");
        let state = self.lock();
        let panels: Vec<String> = state.panels.iter().map(|e| e.xml(embed)).collect();
        let mut result = Map::new();
        result.insert("Extensions".into(), json!(panel_xml::document(&panels)));
        Ok(result)
    }

    /// `Widget SetValue WidgetId Value`: what the widget shows; it fires no action.
    fn widget_set_value(&self, inv: &Invocation) -> CommandResult {
        let id = inv.params.text("WidgetId").unwrap_or_default();
        let value = inv.params.text("Value").unwrap_or_default();
        let mut state = self.lock();
        let value = known_widget(&state.panels, &id)?
            .check_value(&value)
            .map_err(XapiError::command_failed)?;
        self.show(&mut state, &id, &value)?;
        Ok(Map::new())
    }

    /// `Widget UnsetValue WidgetId`: the widget shows no value (a GroupButton no selection).
    fn widget_unset_value(&self, inv: &Invocation) -> CommandResult {
        let id = inv.params.text("WidgetId").unwrap_or_default();
        let mut state = self.lock();
        known_widget(&state.panels, &id)?;
        if let Some((index, _)) = state.values.remove(&id) {
            self.status
                .remove(&format!("UserInterface Extensions Widget {index}"))?;
        }
        Ok(Map::new())
    }

    /// `Widget Action WidgetId Type [Value] [Origin] [PeripheralId]`: a user did something
    /// with a widget. Fires `Widget Action {WidgetId, Type, Value}` and the older
    /// `Event Pressed/Released/Clicked/Changed {Signal: "id" or "id:value"}`; what the widget
    /// then shows (a toggle's state, a slider's level, the chosen group button) is mirrored in
    /// Status first, so a handler that reads it sees the new value.
    fn widget_action(&self, inv: &Invocation) -> CommandResult {
        let id = inv.params.text("WidgetId").unwrap_or_default();
        let Some(kind) = inv.params.text("Type") else {
            return Err(XapiError::command_failed(
                "Widget Action needs a Type (pressed, released, clicked or changed)",
            ));
        };
        let value = inv.params.text("Value").unwrap_or_default();
        let mut state = self.lock();
        let widget = known_widget(&state.panels, &id)?;
        let (kind, value) = widget
            .check_action(&kind, &value)
            .map_err(XapiError::command_failed)?;
        if let Some(shown) = widget.value_after(&kind, &value) {
            self.show(&mut state, &id, &shown)?;
        }
        let mut fields = Map::new();
        fields.insert("WidgetId".into(), json!(id));
        fields.insert("Type".into(), json!(kind));
        fields.insert("Value".into(), json!(value));
        pass_on(inv, &["Origin", "PeripheralId"], &mut fields);
        self.emit("Widget Action", Json::Object(fields))?;
        let older = match kind.as_str() {
            "pressed" => "Event Pressed",
            "released" => "Event Released",
            "clicked" => "Event Clicked",
            _ => "Event Changed",
        };
        let signal = if value.is_empty() {
            id
        } else {
            format!("{id}:{value}")
        };
        self.emit(older, json!({ "Signal": signal }))?;
        Ok(Map::new())
    }
}
