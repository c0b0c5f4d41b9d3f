//! The schema: which nodes exist on this device, their value spaces, defaults and roles.
//!
//! It is data, derived by `scripts/gen-schema` from the published RoomOS interface file for
//! one product and embedded in the binary (`schema/<product>.json`). Boards may add
//! extension files (the simulated board's `Simulation *` commands). The entries become a trie
//! per root; names are looked up case-insensitively and answered in the schema's casing.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value as Json;

use super::error::XapiError;
use super::path::{Root, Seg};
use super::role::RoleSet;
use super::value::ValueSpace;

/// The schemas built into roomd, by product codename.
const EMBEDDED: &[(&str, &str)] = &[("barents", include_str!("../../schema/barents.json"))];

/// Extensions a board can ask for, by name.
const EXTENSIONS: &[(&str, &str)] = &[
    (
        "simulation",
        include_str!("../../schema/extensions/simulation.json"),
    ),
    (
        "bookings",
        include_str!("../../schema/extensions/bookings.json"),
    ),
    ("media", include_str!("../../schema/extensions/media.json")),
];

/// A step of a resolved path: names in the schema's casing, and indices.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CSeg {
    Name(Arc<str>),
    Index(u32),
    /// Every element of a list: written `*`, or an index left out.
    AnyIndex,
}

/// Whether a node's elements are numbered, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// `[n]`: elements come and go (calls, peripherals).
    Dynamic,
    /// `[1..3]`: a fixed set (connectors, pins).
    Fixed { lo: u32, hi: u32 },
}

impl ListKind {
    pub fn allows(self, index: u32) -> bool {
        match self {
            ListKind::Dynamic => index >= 1,
            ListKind::Fixed { lo, hi } => (lo..=hi).contains(&index),
        }
    }
}

/// One published entry of a leaf: the indices it covers, its value space and default.
/// The same leaf can be published several times (`Connector[1] CEC Mode`,
/// `Connector[2] CEC Mode`, ...), each with its own defaults and values.
#[derive(Debug)]
pub struct Variant {
    /// The index ranges of the lists on its path, in order (`Connector[1..3]` → 1..3).
    pub ranges: Vec<ListKind>,
    pub space: ValueSpace,
    /// The default, or per-index defaults (`[1]: Left; [2]: Right; `).
    pub default: Option<String>,
}

impl Variant {
    /// Whether this entry covers an element with these list indices.
    pub fn covers(&self, indices: &[u32]) -> bool {
        indices.len() == self.ranges.len()
            && indices.iter().zip(&self.ranges).all(|(i, r)| r.allows(*i))
    }

    /// The default value for the element with this (first) list index.
    pub fn default_for(&self, index: Option<u32>) -> Option<&str> {
        let default = self.default.as_deref()?;
        if !default.starts_with('[') {
            return Some(default);
        }
        let mut first = None;
        for part in default.split(';') {
            let Some((key, value)) = part.trim().split_once(':') else {
                continue;
            };
            let key: Option<u32> = key.trim().trim_matches(['[', ']']).parse().ok();
            let value = value.trim();
            first.get_or_insert(value);
            if key.is_some() && key == index {
                return Some(value);
            }
        }
        first
    }
}

/// A Status or Configuration leaf.
#[derive(Debug)]
pub struct ValueLeaf {
    /// Who may change it (Configuration only).
    pub write: RoleSet,
    /// Who may read it.
    pub read: RoleSet,
    pub variants: Vec<Variant>,
    /// The entry as published, for `xDoc`.
    pub doc: Json,
}

impl ValueLeaf {
    /// The entry that covers an element with these list indices.
    pub fn variant(&self, indices: &[u32]) -> Option<&Variant> {
        self.variants.iter().find(|v| v.covers(indices))
    }
}

/// The list indices along a path, in order.
pub fn indices_of(path: &[CSeg]) -> Vec<u32> {
    path.iter()
        .filter_map(|s| match s {
            CSeg::Index(i) => Some(*i),
            _ => None,
        })
        .collect()
}

/// A command parameter.
#[derive(Debug)]
pub struct ParamDef {
    pub name: Arc<str>,
    pub required: bool,
    pub default: Option<String>,
    pub space: ValueSpace,
    /// For array parameters: how many values may be given.
    pub multiple: Option<usize>,
}

/// A command.
#[derive(Debug)]
pub struct CommandDef {
    /// Canonical path without the root: `Audio Volume Set`.
    pub path: String,
    pub params: Vec<ParamDef>,
    pub multiline: bool,
    pub roles: RoleSet,
    pub doc: Json,
}

impl CommandDef {
    pub fn param(&self, name: &str) -> Option<&ParamDef> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }
}

/// An event.
#[derive(Debug)]
pub struct EventDef {
    pub path: String,
    pub read: RoleSet,
    pub doc: Json,
}

/// What a schema node is, beyond being a container.
#[derive(Debug)]
pub enum Leaf {
    Value(ValueLeaf),
    Command(Arc<CommandDef>),
    Event(Arc<EventDef>),
}

/// A node of the schema trie.
#[derive(Debug)]
pub struct SchemaNode {
    pub name: Arc<str>,
    pub list: Option<ListKind>,
    pub leaf: Option<Leaf>,
    children: Vec<SchemaNode>,
    by_lower: HashMap<String, usize>,
}

impl SchemaNode {
    fn new(name: &str) -> SchemaNode {
        SchemaNode {
            name: Arc::from(name),
            list: None,
            leaf: None,
            children: Vec::new(),
            by_lower: HashMap::new(),
        }
    }

    pub fn child(&self, name: &str) -> Option<&SchemaNode> {
        let i = match self.by_lower.get(name) {
            Some(i) => *i,
            None => *self.by_lower.get(&name.to_ascii_lowercase())?,
        };
        Some(&self.children[i])
    }

    pub fn children(&self) -> &[SchemaNode] {
        &self.children
    }

    fn child_or_insert(&mut self, name: &str) -> &mut SchemaNode {
        let lower = name.to_ascii_lowercase();
        let i = match self.by_lower.get(&lower) {
            Some(i) => *i,
            None => {
                self.children.push(SchemaNode::new(name));
                self.by_lower.insert(lower, self.children.len() - 1);
                self.children.len() - 1
            }
        };
        &mut self.children[i]
    }

    pub fn value_leaf(&self) -> Option<&ValueLeaf> {
        match &self.leaf {
            Some(Leaf::Value(v)) => Some(v),
            _ => None,
        }
    }

    /// Visits every value leaf below this node with its path from here.
    pub fn for_each_leaf<'a>(
        &'a self,
        f: &mut impl FnMut(&[(&'a SchemaNode, bool)], &'a ValueLeaf),
    ) {
        fn walk<'a>(
            node: &'a SchemaNode,
            trail: &mut Vec<(&'a SchemaNode, bool)>,
            f: &mut impl FnMut(&[(&'a SchemaNode, bool)], &'a ValueLeaf),
        ) {
            trail.push((node, node.list.is_some()));
            if let Some(leaf) = node.value_leaf() {
                f(trail, leaf);
            }
            for child in &node.children {
                walk(child, trail, f);
            }
            trail.pop();
        }
        let mut trail = Vec::new();
        for child in &self.children {
            walk(child, &mut trail, f);
        }
    }
}

/// One parsed step of a schema entry's path: `Connector[1..3]` → ("Connector", Some(range)).
struct EntryStep<'a> {
    name: &'a str,
    list: Option<ListKind>,
}

fn entry_steps(path: &str) -> Result<Vec<EntryStep<'_>>, String> {
    path.split_whitespace()
        .map(|word| match word.split_once('[') {
            None => Ok(EntryStep {
                name: word,
                list: None,
            }),
            Some((name, rest)) => {
                let inner = rest.trim_end_matches(']');
                let list = if inner == "n" {
                    ListKind::Dynamic
                } else {
                    let (lo, hi) = inner.split_once("..").unwrap_or((inner, inner));
                    let lo = lo.parse().map_err(|_| format!("bad range in {path:?}"))?;
                    let hi = hi.parse().map_err(|_| format!("bad range in {path:?}"))?;
                    ListKind::Fixed { lo, hi }
                };
                Ok(EntryStep {
                    name,
                    list: Some(list),
                })
            }
        })
        .collect()
}

fn merge_list(old: Option<ListKind>, new: ListKind) -> ListKind {
    match (old, new) {
        (Some(ListKind::Fixed { lo: a, hi: b }), ListKind::Fixed { lo: c, hi: d }) => {
            ListKind::Fixed {
                lo: a.min(c),
                hi: b.max(d),
            }
        }
        (Some(ListKind::Dynamic), _) | (_, ListKind::Dynamic) => ListKind::Dynamic,
        (None, new) => new,
    }
}

fn role_list(entry: &Json, key: &str) -> RoleSet {
    let names: Vec<&str> = entry
        .get(key)
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    RoleSet::from_names(&names)
}

fn text_field(entry: &Json, key: &str) -> Option<String> {
    match entry.get(key)? {
        Json::String(s) => Some(s.clone()),
        Json::Null => None,
        other => Some(other.to_string()),
    }
}

/// The xAPI schema of one product.
#[derive(Debug)]
pub struct Schema {
    pub product: String,
    roots: Vec<SchemaNode>,
}

impl Schema {
    /// The embedded schema of a product, with the named extensions added.
    pub fn embedded(product: &str, extensions: &[String]) -> Result<Schema, String> {
        let base = EMBEDDED
            .iter()
            .find(|(p, _)| *p == product)
            .map(|(_, text)| *text)
            .ok_or_else(|| {
                let known: Vec<&str> = EMBEDDED.iter().map(|(p, _)| *p).collect();
                format!(
                    "no schema for product {product:?} (built in: {})",
                    known.join(", ")
                )
            })?;
        let mut schema = Schema::from_json(product, base)?;
        for name in extensions {
            let text = EXTENSIONS
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, text)| *text)
                .ok_or_else(|| format!("no schema extension named {name:?}"))?;
            schema.add_entries(text)?;
        }
        Ok(schema)
    }

    /// Builds a schema from a JSON array of interface entries.
    pub fn from_json(product: &str, text: &str) -> Result<Schema, String> {
        let mut schema = Schema {
            product: product.to_string(),
            roots: Root::ALL
                .iter()
                .map(|r| SchemaNode::new(r.name()))
                .collect(),
        };
        schema.add_entries(text)?;
        Ok(schema)
    }

    fn add_entries(&mut self, text: &str) -> Result<(), String> {
        let entries: Vec<Json> =
            serde_json::from_str(text).map_err(|e| format!("schema is not JSON: {e}"))?;
        for entry in &entries {
            self.add_entry(entry)?;
        }
        Ok(())
    }

    fn add_entry(&mut self, entry: &Json) -> Result<(), String> {
        let kind = entry.get("type").and_then(Json::as_str).unwrap_or("");
        let path = entry
            .get("path")
            .and_then(Json::as_str)
            .ok_or("schema entry without a path")?;
        let root = Root::parse(kind).ok_or_else(|| format!("unknown entry type {kind:?}"))?;
        let steps = entry_steps(path)?;
        let canonical: Vec<&str> = steps.iter().map(|s| s.name).collect();
        let canonical = canonical.join(" ");
        let mut node = &mut self.roots[root.index()];
        for step in &steps {
            node = node.child_or_insert(step.name);
            if let Some(list) = step.list {
                node.list = Some(merge_list(node.list, list));
            }
        }
        let leaf = match root {
            Root::Status | Root::Configuration => {
                let empty = Json::Object(Default::default());
                let vs = entry.get("valuespace").unwrap_or(&empty);
                let write = role_list(entry, "role");
                // Status entries carry one list: who may read them.
                let read = if root == Root::Status {
                    write
                } else {
                    role_list(entry, "read")
                };
                let variant = Variant {
                    ranges: steps.iter().filter_map(|s| s.list).collect(),
                    space: ValueSpace::from_schema(vs),
                    default: text_field(entry, "default"),
                };
                if let Some(Leaf::Value(existing)) = &mut node.leaf {
                    existing.variants.push(variant);
                    return Ok(());
                }
                Leaf::Value(ValueLeaf {
                    write: if root == Root::Status {
                        RoleSet::EMPTY
                    } else {
                        write
                    },
                    read,
                    variants: vec![variant],
                    doc: entry.clone(),
                })
            }
            Root::Command => Leaf::Command(Arc::new(CommandDef {
                path: canonical,
                params: entry
                    .get("params")
                    .and_then(Json::as_array)
                    .map(|ps| ps.iter().map(param_def).collect())
                    .unwrap_or_default(),
                multiline: text_field(entry, "multiline").is_some_and(|m| m == "True"),
                roles: role_list(entry, "role"),
                doc: entry.clone(),
            })),
            Root::Event => {
                if let Some(children) = entry.get("children") {
                    add_event_fields(node, children);
                }
                Leaf::Event(Arc::new(EventDef {
                    path: canonical,
                    read: role_list(entry, "read"),
                    doc: entry.clone(),
                }))
            }
        };
        node.leaf = Some(leaf);
        Ok(())
    }

    /// Replaces the default of a Configuration leaf (a board's own defaults, e.g. macros on).
    pub fn set_default(&mut self, path_text: &str, value: &str) -> Result<(), String> {
        let segs = super::path::parse_text(path_text).map_err(|e| e.to_string())?;
        let mut node = &mut self.roots[Root::Configuration.index()];
        for seg in &segs {
            let Seg::Name(name) = seg else {
                return Err(format!("{path_text}: give defaults without indices"));
            };
            let lower = name.to_ascii_lowercase();
            let i = *node
                .by_lower
                .get(&lower)
                .ok_or_else(|| format!("no configuration {path_text}"))?;
            node = &mut node.children[i];
        }
        let Some(Leaf::Value(leaf)) = &mut node.leaf else {
            return Err(format!("{path_text} is not a configuration value"));
        };
        for variant in &mut leaf.variants {
            let value = variant
                .space
                .accept_text(value)
                .map_err(|why| format!("default for {path_text}: {why}"))?;
            variant.default = Some(value.to_string());
        }
        Ok(())
    }

    pub fn root(&self, root: Root) -> &SchemaNode {
        &self.roots[root.index()]
    }

    /// Matches a client's path against the schema: names case-insensitively, indices checked
    /// against list ranges. A list named without an index means all its elements.
    pub fn resolve(&self, root: Root, segs: &[Seg]) -> Result<Resolved<'_>, XapiError> {
        let mut node = self.root(root);
        let mut path = Vec::with_capacity(segs.len() + 2);
        let mut i = 0;
        while i < segs.len() {
            let seg = &segs[i];
            match seg {
                Seg::Name(name) => {
                    if node.list.is_some() && !path.is_empty() && !ends_with_index(&path) {
                        path.push(CSeg::AnyIndex);
                    }
                    node = node
                        .child(name)
                        .ok_or_else(|| unknown(root, segs, self.root(root)))?;
                    path.push(CSeg::Name(node.name.clone()));
                }
                Seg::Index(index) => {
                    let list = node
                        .list
                        .ok_or_else(|| unknown(root, segs, self.root(root)))?;
                    if ends_with_index(&path) || !list.allows(*index) {
                        return Err(unknown(root, segs, self.root(root)));
                    }
                    path.push(CSeg::Index(*index));
                }
                Seg::AnyIndex => {
                    if node.list.is_none() || ends_with_index(&path) {
                        return Err(unknown(root, segs, self.root(root)));
                    }
                    path.push(CSeg::AnyIndex);
                }
                Seg::AnyDepth => {
                    return Err(XapiError::bad_path("**", "'**' is only allowed in queries"));
                }
            }
            i += 1;
        }
        Ok(Resolved { root, path, node })
    }
}

fn ends_with_index(path: &[CSeg]) -> bool {
    matches!(path.last(), Some(CSeg::Index(_) | CSeg::AnyIndex))
}

fn unknown(root: Root, segs: &[Seg], _schema_root: &SchemaNode) -> XapiError {
    let text = format!("{}/{}", root.name(), super::path::display(segs));
    match root {
        Root::Command => XapiError::unknown_command(&text),
        _ => XapiError::unknown_path(&text),
    }
}

fn add_event_fields(node: &mut SchemaNode, children: &Json) {
    let Some(fields) = children.as_object() else {
        return;
    };
    for (name, spec) in fields {
        let child = node.child_or_insert(name);
        if spec.get("valuespace").is_none() {
            let nested = spec.get("children").unwrap_or(spec);
            add_event_fields(child, nested);
        }
    }
}

fn param_def(p: &Json) -> ParamDef {
    let empty = Json::Object(Default::default());
    let vs = p.get("valuespace").unwrap_or(&empty);
    let is_array = vs
        .get("type")
        .and_then(Json::as_str)
        .is_some_and(|t| t.ends_with("Array"));
    ParamDef {
        name: Arc::from(p.get("name").and_then(Json::as_str).unwrap_or("")),
        required: p.get("required").and_then(Json::as_bool).unwrap_or(false),
        default: text_field(p, "default"),
        space: ValueSpace::from_schema(vs),
        multiple: is_array.then(|| {
            text_field(vs, "multiple")
                .and_then(|m| m.parse().ok())
                .unwrap_or(usize::MAX)
        }),
    }
}

/// A path matched against the schema.
#[derive(Debug)]
pub struct Resolved<'s> {
    pub root: Root,
    pub path: Vec<CSeg>,
    pub node: &'s SchemaNode,
}

impl Resolved<'_> {
    /// The canonical path as text, e.g. `Status/Call[3]/Status`.
    pub fn display(&self) -> String {
        format!("{}/{}", self.root.name(), display_cpath(&self.path))
    }
}

/// Writes a canonical path as `Video/Output/Connector[1]/Resolution`.
pub fn display_cpath(path: &[CSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            CSeg::Name(n) => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(n);
            }
            CSeg::Index(i) => out.push_str(&format!("[{i}]")),
            CSeg::AnyIndex => out.push_str("[*]"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xapi::path::parse_text;

    fn barents() -> Schema {
        Schema::embedded("barents", &[]).unwrap()
    }

    #[test]
    fn names_match_any_case_and_answer_canonically() {
        let schema = barents();
        let r = schema
            .resolve(
                Root::Status,
                &parse_text("video output connector 1 resolution").unwrap(),
            )
            .unwrap();
        assert_eq!(r.display(), "Status/Video/Output/Connector[1]/Resolution");
        let r = schema
            .resolve(Root::Status, &parse_text("call[3]/status").unwrap())
            .unwrap();
        assert_eq!(r.display(), "Status/Call[3]/Status");
        assert!(r.node.value_leaf().is_some());
    }

    #[test]
    fn indices_are_checked_against_ranges() {
        let schema = barents();
        let ok = schema.resolve(Root::Configuration, &parse_text("GPIO Pin 4 Mode").unwrap());
        assert!(ok.is_ok());
        let err = schema
            .resolve(Root::Configuration, &parse_text("GPIO Pin 5 Mode").unwrap())
            .unwrap_err();
        assert_eq!(err.kind, crate::xapi::ErrorKind::UnknownPath);
        let err = schema
            .resolve(Root::Status, &parse_text("Audio 3 Volume").unwrap())
            .unwrap_err();
        assert_eq!(err.kind, crate::xapi::ErrorKind::UnknownPath);
    }

    #[test]
    fn a_list_without_index_means_every_element() {
        let schema = barents();
        let r = schema
            .resolve(Root::Status, &parse_text("Call Status").unwrap())
            .unwrap();
        assert_eq!(r.display(), "Status/Call[*]/Status");
    }

    #[test]
    fn the_codec_pro_has_its_product_specific_nodes() {
        let schema = barents();
        let gpio = schema
            .resolve(Root::Configuration, &parse_text("GPIO Pin 1 Mode").unwrap())
            .unwrap();
        let leaf = gpio.node.value_leaf().unwrap();
        assert_eq!(
            leaf.variant(&[1]).unwrap().default_for(Some(1)),
            Some("InputNoAction")
        );
        let monitors = schema
            .resolve(
                Root::Configuration,
                &parse_text("Video Output Connector 3 MonitorRole").unwrap(),
            )
            .unwrap();
        assert!(monitors.node.value_leaf().is_some());
        let unknown = schema.resolve(Root::Command, &parse_text("Dila").unwrap());
        assert_eq!(
            unknown.unwrap_err().kind,
            crate::xapi::ErrorKind::UnknownCommand
        );
    }

    #[test]
    fn per_index_defaults_are_read() {
        let schema = barents();
        let r = schema
            .resolve(
                Root::Configuration,
                &parse_text("Audio Output Line 2 Channel").unwrap(),
            )
            .unwrap();
        let variant = r.node.value_leaf().unwrap().variant(&[2]).unwrap();
        assert_eq!(variant.default_for(Some(1)), Some("Left"));
        assert_eq!(variant.default_for(Some(2)), Some("Right"));
    }
}
