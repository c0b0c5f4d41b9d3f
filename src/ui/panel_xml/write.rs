//! Writing panels back: the XML RoomOS shows in `List`/`Export`, and their JSON form.

use std::fmt::Write as _;

use serde_json::{Map, Value as Json, json};

use super::*;

impl Panel {
    /// A plain field's value (`"Name"`, `"ActivityType"`).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets a plain field; `name` must be one of [`PANEL_FIELDS`].
    pub fn set_field(&mut self, name: &str, value: &str) {
        let Some(canonical) = PANEL_FIELDS.iter().find(|f| **f == name) else {
            return;
        };
        match self.fields.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => *v = value.to_string(),
            None => self.fields.push((canonical, value.to_string())),
        }
    }

    pub fn remove_field(&mut self, name: &str) {
        self.fields.retain(|(n, _)| *n != name);
    }

    /// The activity type, `Custom` when the XML leaves it out.
    pub fn activity_type(&self) -> &str {
        self.field("ActivityType").unwrap_or("Custom")
    }

    /// Every widget with where it sits (`Page[1]/Row[2]/Widget[1]`).
    pub fn widgets(&self) -> impl Iterator<Item = (String, &Widget)> {
        self.pages.iter().enumerate().flat_map(|(g, page)| {
            page.rows.iter().enumerate().flat_map(move |(r, row)| {
                row.widgets.iter().enumerate().map(move |(w, widget)| {
                    (
                        format!("Page[{}]/Row[{}]/Widget[{}]", g + 1, r + 1, w + 1),
                        widget,
                    )
                })
            })
        })
    }

    /// The panel as `Extensions List` shows it: fields in canonical order, lists as arrays of
    /// objects with an `id`.
    pub fn to_json(&self) -> Json {
        let mut out = Map::new();
        let put = |out: &mut Map<String, Json>, name: &str| {
            if let Some(v) = self.field(name) {
                out.insert(name.to_string(), json!(v));
            }
        };
        put(&mut out, "Order");
        out.insert("PanelId".into(), json!(self.panel_id));
        for name in PANEL_FIELDS.iter().skip(1) {
            put(&mut out, name);
            if *name == "Icon"
                && let Some(icon) = &self.custom_icon
            {
                let mut c = Map::new();
                if let Some(content) = &icon.content {
                    c.insert("Content".into(), json!(content));
                }
                if let Some(id) = &icon.id {
                    c.insert("Id".into(), json!(id));
                }
                out.insert("CustomIcon".into(), Json::Object(c));
            }
        }
        let pages: Vec<Json> = self
            .pages
            .iter()
            .enumerate()
            .map(|(g, page)| {
                let mut p = Map::new();
                p.insert("id".into(), json!(g + 1));
                insert_opt(&mut p, "Name", &page.name);
                insert_opt(&mut p, "PageId", &page.page_id);
                let rows: Vec<Json> = page
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(r, row)| {
                        let mut o = Map::new();
                        o.insert("id".into(), json!(r + 1));
                        insert_opt(&mut o, "Name", &row.name);
                        let widgets: Vec<Json> = row
                            .widgets
                            .iter()
                            .enumerate()
                            .map(|(w, widget)| widget.to_json(w + 1))
                            .collect();
                        if !widgets.is_empty() {
                            o.insert("Widget".into(), Json::Array(widgets));
                        }
                        Json::Object(o)
                    })
                    .collect();
                if !rows.is_empty() {
                    p.insert("Row".into(), Json::Array(rows));
                }
                insert_opt(&mut p, "Options", &page.options);
                Json::Object(p)
            })
            .collect();
        if !pages.is_empty() {
            out.insert("Page".into(), Json::Array(pages));
        }
        Json::Object(out)
    }

    /// The panel as XML (indented for a place inside `<Extensions>`). `embed_icons: false`
    /// leaves out custom icon image data.
    pub fn to_xml(&self, embed_icons: bool) -> String {
        let mut x = String::new();
        x.push_str("  <Panel>\n");
        let field = |x: &mut String, name: &str| {
            if let Some(v) = self.field(name) {
                leaf(x, 4, name, v);
            }
        };
        field(&mut x, "Order");
        leaf(&mut x, 4, "PanelId", &self.panel_id);
        for name in PANEL_FIELDS.iter().skip(1) {
            field(&mut x, name);
            if *name == "Icon"
                && let Some(icon) = &self.custom_icon
            {
                x.push_str("    <CustomIcon>\n");
                if let Some(content) = icon.content.as_ref().filter(|_| embed_icons) {
                    leaf(&mut x, 6, "Content", content);
                }
                if let Some(id) = &icon.id {
                    leaf(&mut x, 6, "Id", id);
                }
                x.push_str("    </CustomIcon>\n");
            }
        }
        for page in &self.pages {
            x.push_str("    <Page>\n");
            leaf_opt(&mut x, 6, "Name", &page.name);
            for row in &page.rows {
                x.push_str("      <Row>\n");
                leaf_opt(&mut x, 8, "Name", &row.name);
                for widget in &row.widgets {
                    x.push_str("        <Widget>\n");
                    leaf(&mut x, 10, "WidgetId", &widget.id);
                    leaf_opt(&mut x, 10, "Name", &widget.name);
                    leaf(&mut x, 10, "Type", widget.kind.name());
                    leaf_opt(&mut x, 10, "Options", &widget.options);
                    if !widget.values.is_empty() {
                        x.push_str("          <ValueSpace>\n");
                        for choice in &widget.values {
                            x.push_str("            <Value>\n");
                            leaf(&mut x, 14, "Key", &choice.key);
                            leaf_opt(&mut x, 14, "Name", &choice.name);
                            x.push_str("            </Value>\n");
                        }
                        x.push_str("          </ValueSpace>\n");
                    }
                    x.push_str("        </Widget>\n");
                }
                x.push_str("      </Row>\n");
            }
            leaf_opt(&mut x, 6, "PageId", &page.page_id);
            leaf_opt(&mut x, 6, "Options", &page.options);
            x.push_str("    </Page>\n");
        }
        x.push_str("  </Panel>\n");
        x
    }
}

/// A whole Extensions document holding `panels` (already indented `<Panel>` texts).
pub fn document(panels: &[String]) -> String {
    let mut x = format!("<Extensions>\n  <Version>{VERSION}</Version>\n");
    for panel in panels {
        x.push_str(panel);
    }
    x.push_str("</Extensions>\n");
    x
}

pub(super) fn insert_opt(map: &mut Map<String, Json>, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        map.insert(name.to_string(), json!(v));
    }
}

pub(super) fn leaf(x: &mut String, indent: usize, name: &str, value: &str) {
    let _ = writeln!(x, "{:indent$}<{name}>{}</{name}>", "", escape(value));
}

pub(super) fn leaf_opt(x: &mut String, indent: usize, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        leaf(x, indent, name, v);
    }
}

pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}
