//! Reading one document: element paths and lines for error messages, and element helpers.

use roxmltree::{Document, Node};

use super::widget::one_of;
use super::*;

/// Reading one document: positions for messages, and element helpers.
pub(super) struct Ctx<'a, 'input> {
    pub(super) doc: &'a Document<'input>,
    pub(super) xml: &'a str,
}

impl<'input> Ctx<'_, 'input> {
    pub(super) fn line(&self, node: Node) -> u32 {
        self.doc.text_pos_at(node.range().start).row
    }

    pub(super) fn fail(&self, node: Node, path: &str, what: &str) -> String {
        format!("{path} (line {}): {what}", self.line(node))
    }

    /// The child elements of a container; text other than whitespace is an error.
    pub(super) fn elements<'a>(
        &self,
        node: Node<'a, 'input>,
        path: &str,
    ) -> Result<Vec<Node<'a, 'input>>, String> {
        let mut out = Vec::new();
        for child in node.children() {
            if child.is_element() {
                out.push(child);
            } else if child.is_text()
                && let Some(text) = child.text().map(str::trim).filter(|t| !t.is_empty())
            {
                return Err(self.fail(
                    node,
                    path,
                    &format!(
                        "unexpected text {text:?}; <{}> holds elements",
                        node.tag_name().name()
                    ),
                ));
            }
        }
        Ok(out)
    }

    /// The text of a leaf element (entities resolved); child elements are an error.
    pub(super) fn text(&self, node: Node, path: &str) -> Result<String, String> {
        if let Some(child) = node.children().find(|c| c.is_element()) {
            return Err(self.fail(
                node,
                path,
                &format!(
                    "<{}> holds text, not elements (found <{}>)",
                    node.tag_name().name(),
                    child.tag_name().name()
                ),
            ));
        }
        Ok(node.children().filter_map(|c| c.text()).collect::<String>())
    }

    /// An identifier: trimmed, not empty, at most [`MAX_ID_LEN`] characters.
    pub(super) fn id(&self, node: Node, path: &str) -> Result<String, String> {
        let name = node.tag_name().name();
        let id = self.text(node, path)?.trim().to_string();
        if id.is_empty() {
            return Err(self.fail(node, path, &format!("{name} is empty")));
        }
        if id.chars().count() > MAX_ID_LEN {
            return Err(self.fail(
                node,
                path,
                &format!("{name} is longer than {MAX_ID_LEN} characters"),
            ));
        }
        Ok(id)
    }

    pub(super) fn once<T>(&self, have: &Option<T>, node: Node, path: &str) -> Result<(), String> {
        match have {
            Some(_) => Err(self.fail(
                node,
                path,
                &format!("<{}> is given more than once", node.tag_name().name()),
            )),
            None => Ok(()),
        }
    }

    pub(super) fn unknown(&self, node: Node, path: &str, tag: &str, known: &[&str]) -> String {
        let hint = match known.iter().find(|k| k.eq_ignore_ascii_case(tag)) {
            Some(k) => format!(" (element names are case-sensitive: did you mean <{k}>?)"),
            None => format!("; expected one of {}", known.join(", ")),
        };
        self.fail(node, path, &format!("unknown element <{tag}>{hint}"))
    }

    pub(super) fn panel(&self, node: Node, path: &str) -> Result<Panel, String> {
        const CHILDREN: [&str; 14] = [
            "Order",
            "PanelId",
            "Origin",
            "Location",
            "Type",
            "Icon",
            "CustomIcon",
            "Color",
            "Name",
            "ActivityType",
            "ActivityData",
            "Visibility",
            "Mode",
            "Page",
        ];
        let mut panel = Panel {
            source: self.xml[node.range()].to_string(),
            ..Panel::default()
        };
        let mut panel_id = None;
        for child in self.elements(node, path)? {
            let tag = child.tag_name().name();
            let here = format!("{path}/{tag}");
            match tag {
                "PanelId" => {
                    self.once(&panel_id, child, &here)?;
                    panel_id = Some(self.id(child, &here)?);
                }
                "Page" => {
                    let n = panel.pages.len() + 1;
                    let page = self.page(child, &format!("{path}/Page[{n}]"))?;
                    panel.pages.push(page);
                }
                "CustomIcon" => {
                    self.once(&panel.custom_icon, child, &here)?;
                    let mut icon = CustomIcon::default();
                    for part in self.elements(child, &here)? {
                        let name = part.tag_name().name();
                        let there = format!("{here}/{name}");
                        match name {
                            "Content" => {
                                self.once(&icon.content, part, &there)?;
                                icon.content = Some(self.text(part, &there)?.trim().to_string());
                            }
                            "Id" => {
                                self.once(&icon.id, part, &there)?;
                                icon.id = Some(self.text(part, &there)?.trim().to_string());
                            }
                            other => {
                                return Err(self.unknown(part, &here, other, &["Content", "Id"]));
                            }
                        }
                    }
                    panel.custom_icon = Some(icon);
                }
                _ => {
                    let Some(field) = PANEL_FIELDS.iter().find(|f| **f == tag) else {
                        return Err(self.unknown(child, path, tag, &CHILDREN));
                    };
                    if panel.field(field).is_some() {
                        return Err(self.fail(
                            child,
                            &here,
                            &format!("<{tag}> is given more than once"),
                        ));
                    }
                    let raw = self.text(child, &here)?;
                    let value = self.panel_field(child, &here, field, &raw)?;
                    panel.fields.push((field, value));
                }
            }
        }
        panel.panel_id = panel_id.unwrap_or_default();
        Ok(panel)
    }

    /// Checks a plain panel field; literals come back in canonical case.
    pub(super) fn panel_field(
        &self,
        node: Node,
        path: &str,
        field: &str,
        raw: &str,
    ) -> Result<String, String> {
        let literal = |values: &[&str]| {
            one_of(values, raw).ok_or_else(|| {
                self.fail(
                    node,
                    path,
                    &format!(
                        "unknown {field} {:?}; expected one of {}",
                        raw.trim(),
                        values.join(", ")
                    ),
                )
            })
        };
        match field {
            "Type" => literal(&PANEL_TYPES),
            "Location" => literal(&LOCATIONS),
            "ActivityType" => literal(&ACTIVITY_TYPES),
            "Visibility" => literal(&VISIBILITIES),
            "Mode" => literal(&MODES),
            "Order" => raw
                .trim()
                .parse::<u32>()
                .map(|n| n.to_string())
                .map_err(|_| {
                    self.fail(node, path, &format!("Order {raw:?} is not a whole number"))
                }),
            "Icon" | "Origin" | "Color" => {
                let value = raw.trim();
                if value.is_empty() {
                    return Err(self.fail(node, path, &format!("{field} is empty")));
                }
                Ok(value.to_string())
            }
            _ => Ok(raw.to_string()),
        }
    }

    pub(super) fn page(&self, node: Node, path: &str) -> Result<Page, String> {
        let mut page = Page::default();
        for child in self.elements(node, path)? {
            let tag = child.tag_name().name();
            let here = format!("{path}/{tag}");
            match tag {
                "Name" => {
                    self.once(&page.name, child, &here)?;
                    page.name = Some(self.text(child, &here)?);
                }
                "PageId" => {
                    self.once(&page.page_id, child, &here)?;
                    page.page_id = Some(self.id(child, &here)?);
                }
                "Options" => {
                    self.once(&page.options, child, &here)?;
                    page.options = Some(self.options(child, &here)?);
                }
                "Row" => {
                    let n = page.rows.len() + 1;
                    let row = self.row(child, &format!("{path}/Row[{n}]"))?;
                    page.rows.push(row);
                }
                other => {
                    return Err(self.unknown(
                        child,
                        path,
                        other,
                        &["Name", "PageId", "Row", "Options"],
                    ));
                }
            }
        }
        Ok(page)
    }

    pub(super) fn row(&self, node: Node, path: &str) -> Result<Row, String> {
        let mut row = Row::default();
        for child in self.elements(node, path)? {
            let tag = child.tag_name().name();
            let here = format!("{path}/{tag}");
            match tag {
                "Name" => {
                    self.once(&row.name, child, &here)?;
                    row.name = Some(self.text(child, &here)?);
                }
                "Widget" => {
                    let n = row.widgets.len() + 1;
                    let widget = self.widget(child, &format!("{path}/Widget[{n}]"))?;
                    row.widgets.push(widget);
                }
                other => return Err(self.unknown(child, path, other, &["Name", "Widget"])),
            }
        }
        Ok(row)
    }

    pub(super) fn widget(&self, node: Node, path: &str) -> Result<Widget, String> {
        let mut id = None;
        let mut name = None;
        let mut kind = None;
        let mut options = None;
        let mut values: Option<Vec<Choice>> = None;
        let mut value_space_node = None;
        for child in self.elements(node, path)? {
            let tag = child.tag_name().name();
            let here = format!("{path}/{tag}");
            match tag {
                "WidgetId" => {
                    self.once(&id, child, &here)?;
                    id = Some(self.id(child, &here)?);
                }
                "Name" => {
                    self.once(&name, child, &here)?;
                    name = Some(self.text(child, &here)?);
                }
                "Type" => {
                    self.once(&kind, child, &here)?;
                    let text = self.text(child, &here)?;
                    let names: Vec<&str> = WidgetType::ALL.iter().map(|t| t.name()).collect();
                    kind = Some(WidgetType::parse(&text).ok_or_else(|| {
                        self.fail(
                            child,
                            path,
                            &format!(
                                "unknown widget Type {:?}; expected one of {}",
                                text.trim(),
                                names.join(", ")
                            ),
                        )
                    })?);
                }
                "Options" => {
                    self.once(&options, child, &here)?;
                    options = Some(self.options(child, &here)?);
                }
                "ValueSpace" => {
                    self.once(&values, child, &here)?;
                    values = Some(self.value_space(child, &here)?);
                    value_space_node = Some(child);
                }
                other => {
                    return Err(self.unknown(
                        child,
                        path,
                        other,
                        &["WidgetId", "Name", "Type", "Options", "ValueSpace"],
                    ));
                }
            }
        }
        let Some(id) = id else {
            return Err(self.fail(node, path, "missing <WidgetId>; every widget needs one"));
        };
        let Some(kind) = kind else {
            return Err(self.fail(node, path, &format!("widget {id:?} has no <Type>")));
        };
        match (kind, values.as_ref(), value_space_node) {
            (WidgetType::GroupButton, None, _) => {
                return Err(self.fail(
                    node,
                    path,
                    &format!("GroupButton {id:?} needs a <ValueSpace> with at least one <Value>"),
                ));
            }
            (WidgetType::GroupButton, Some(v), Some(vs)) if v.is_empty() => {
                return Err(self.fail(
                    vs,
                    &format!("{path}/ValueSpace"),
                    &format!("GroupButton {id:?} needs at least one <Value>"),
                ));
            }
            (WidgetType::GroupButton, _, _) | (_, None, _) => {}
            (other, Some(_), vs) => {
                return Err(self.fail(
                    vs.unwrap_or(node),
                    &format!("{path}/ValueSpace"),
                    &format!(
                        "only a GroupButton has a ValueSpace; widget {id:?} is a {}",
                        other.name()
                    ),
                ));
            }
        }
        Ok(Widget {
            id,
            name,
            kind,
            options,
            values: values.unwrap_or_default(),
        })
    }

    pub(super) fn value_space(&self, node: Node, path: &str) -> Result<Vec<Choice>, String> {
        let mut choices: Vec<Choice> = Vec::new();
        for value in self.elements(node, path)? {
            let tag = value.tag_name().name();
            if tag != "Value" {
                return Err(self.unknown(value, path, tag, &["Value"]));
            }
            let here = format!("{path}/Value[{}]", choices.len() + 1);
            let mut key = None;
            let mut name = None;
            for part in self.elements(value, &here)? {
                let part_tag = part.tag_name().name();
                let there = format!("{here}/{part_tag}");
                match part_tag {
                    "Key" => {
                        self.once(&key, part, &there)?;
                        key = Some(self.id(part, &there)?);
                    }
                    "Name" => {
                        self.once(&name, part, &there)?;
                        name = Some(self.text(part, &there)?);
                    }
                    other => return Err(self.unknown(part, &here, other, &["Key", "Name"])),
                }
            }
            let Some(key) = key else {
                return Err(self.fail(value, &here, "missing <Key>"));
            };
            if choices.iter().any(|c| c.key == key) {
                return Err(self.fail(value, &here, &format!("duplicate Key {key:?}")));
            }
            choices.push(Choice { key, name });
        }
        Ok(choices)
    }

    /// `key=value;key=value`; `size` is 1 to 4 (quarters of the row).
    pub(super) fn options(&self, node: Node, path: &str) -> Result<String, String> {
        let text = self.text(node, path)?.trim().to_string();
        for item in text.split(';').map(str::trim).filter(|i| !i.is_empty()) {
            let Some((key, value)) = item.split_once('=') else {
                return Err(self.fail(node, path, &format!("option {item:?} is not key=value")));
            };
            let (key, value) = (key.trim(), value.trim());
            if key.is_empty() {
                return Err(self.fail(node, path, &format!("option {item:?} has no name")));
            }
            let in_range =
                |lo: u32, hi: u32| value.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n));
            if key == "size" && !in_range(1, 4) {
                return Err(self.fail(node, path, &format!("size must be 1 to 4, not {value:?}")));
            }
            if key == "columns" && !in_range(1, 4) {
                return Err(self.fail(
                    node,
                    path,
                    &format!("columns must be 1 to 4, not {value:?}"),
                ));
            }
        }
        Ok(text)
    }
}
