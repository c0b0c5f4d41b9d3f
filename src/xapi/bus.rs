//! The bus: where services, macros and remote clients meet.
//!
//! It holds the Status and Configuration trees, checks every read, write, command and
//! subscription against the schema and the caller's roles, runs the command handlers that
//! services registered, and tells subscribers what changed. Services own parts of the Status
//! tree ([`StatusWriter`](super::status::StatusWriter)); nobody else writes there.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use serde_json::{Map, Value as Json};

use super::command::{Caller, CommandResult, Handler, Invocation, Params};
use super::error::{ErrorKind, XapiError};
use super::feedback::{Change, ChangeKind, ChangeSet};
use super::path::{self, Root, Seg};
use super::render::{TreeBuilder, descend};
use super::schema::{
    CSeg, Leaf, ListKind, Schema, SchemaNode, ValueLeaf, Variant, display_cpath, indices_of,
};
use super::subscriber::Subscriber;
use super::tree::Node;
use super::value::{Typing, Value};
use crate::clock::Clock;

/// Where configuration goes to be durable: called with every non-default value, by path.
pub type ConfigSink = Box<dyn Fn(&BTreeMap<String, String>) -> std::io::Result<()> + Send>;

/// A status value computed when read (uptime, the clock), rather than pushed.
type Volatile = Box<dyn Fn() -> Value + Send + Sync>;

/// Limits that keep a misbehaving client from growing roomd's memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Feedback expressions one subscriber may register.
    pub subscriptions_per_subscriber: usize,
    /// Feedback expressions across all subscribers.
    pub subscriptions_total: usize,
    /// Notifications queued for one subscriber before it is dropped as not reading.
    pub queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            subscriptions_per_subscriber: 256,
            subscriptions_total: 8192,
            queue: 1024,
        }
    }
}

pub(super) struct State {
    pub(super) status: Node,
    pub(super) config: Node,
    /// Configuration values that differ from the defaults, by path: what is persisted.
    overrides: BTreeMap<String, String>,
    pub(super) subscribers: Vec<Subscriber>,
    pub(super) next_subscriber: u64,
    pub(super) total_subscriptions: usize,
}

impl State {
    pub(super) fn tree(&self, root: Root) -> &Node {
        match root {
            Root::Configuration => &self.config,
            _ => &self.status,
        }
    }
}

/// The xAPI of one device.
pub struct Bus {
    pub(super) schema: Arc<Schema>,
    clock: Arc<Clock>,
    pub(super) state: Mutex<State>,
    handlers: RwLock<HashMap<String, Handler>>,
    pub(super) claims: Mutex<Vec<(Vec<CSeg>, String)>>,
    volatiles: Mutex<Vec<(Vec<CSeg>, Volatile)>>,
    sink: Mutex<Option<ConfigSink>>,
    pub(super) limits: Limits,
}

impl Bus {
    /// A bus for a schema, every configuration at its default.
    pub fn new(schema: Arc<Schema>, clock: Arc<Clock>, limits: Limits) -> Arc<Bus> {
        let mut config = Node::default();
        schema
            .root(Root::Configuration)
            .for_each_leaf(&mut |trail, leaf| {
                for variant in &leaf.variants {
                    for (path, first_index) in instances(trail, variant) {
                        if let Some(default) = variant.default_for(first_index)
                            && let Ok(value) = variant.space.accept_text(default)
                        {
                            config.set(&path, value);
                        }
                    }
                }
            });
        Arc::new(Bus {
            schema,
            clock,
            state: Mutex::new(State {
                status: Node::default(),
                config,
                overrides: BTreeMap::new(),
                subscribers: Vec::new(),
                next_subscriber: 0,
                total_subscriptions: 0,
            }),
            handlers: RwLock::new(HashMap::new()),
            claims: Mutex::new(Vec::new()),
            volatiles: Mutex::new(Vec::new()),
            sink: Mutex::new(None),
            limits,
        })
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    pub fn clock(&self) -> &Arc<Clock> {
        &self.clock
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ----- reading -------------------------------------------------------------------------

    /// `xGet`: the value or subtree at a Status or Configuration path, as `caller` may see it.
    pub fn get(&self, caller: &Caller, segs: &[Seg], typing: Typing) -> Result<Json, XapiError> {
        let (root, rest) = path::split_root(segs)?;
        if !matches!(root, Root::Status | Root::Configuration) {
            return Err(XapiError::new(
                ErrorKind::InvalidRequest,
                "Only Status and Configuration can be read",
            ));
        }
        let resolved = self.schema.resolve(root, rest)?;
        if root == Root::Status {
            self.refresh_volatiles();
        }
        let state = self.lock();
        let tree = state.tree(root);
        let schema_root = self.schema.root(root);
        let mut found = Vec::new();
        tree.collect(schema_root, &resolved.path, caller.roles, &mut found);
        if found.is_empty() {
            let mut hidden = Vec::new();
            tree.collect(
                schema_root,
                &resolved.path,
                super::RoleSet::ALL,
                &mut hidden,
            );
            let leaf_hidden = resolved
                .node
                .value_leaf()
                .is_some_and(|leaf| !leaf.read.intersects(caller.roles));
            if !hidden.is_empty() || leaf_hidden {
                return Err(XapiError::permission_denied(&resolved.display()));
            }
            if resolved.node.list.is_some() && !matches!(resolved.path.last(), Some(CSeg::Index(_)))
            {
                return Ok(Json::Array(Vec::new()));
            }
            return Err(XapiError::new(
                ErrorKind::NoValue,
                format!("No value at {}", resolved.display()),
            ));
        }
        let mut builder = TreeBuilder::new(typing);
        for f in &found {
            builder.insert(&f.path, f.value.to_json(typing));
        }
        descend(builder.finish(), &resolved.path, typing)
            .ok_or_else(|| XapiError::internal("lost a value while rendering"))
    }

    /// `xQuery`: every readable leaf matching a pattern with `**`, as `{Root: {...}}`.
    pub fn query(&self, caller: &Caller, segs: &[Seg], typing: Typing) -> Result<Json, XapiError> {
        let (root, rest) = path::split_root(segs)?;
        if !matches!(root, Root::Status | Root::Configuration) {
            return Err(XapiError::new(
                ErrorKind::InvalidRequest,
                "Only Status and Configuration can be queried",
            ));
        }
        if root == Root::Status {
            self.refresh_volatiles();
        }
        let state = self.lock();
        let mut found = Vec::new();
        state
            .tree(root)
            .collect(self.schema.root(root), &[], caller.roles, &mut found);
        let mut builder = TreeBuilder::new(typing);
        for f in found.iter().filter(|f| glob(rest, &f.path)) {
            builder.insert(&f.path, f.value.to_json(typing));
        }
        let mut out = Map::new();
        out.insert(root.name().to_string(), builder.finish());
        Ok(Json::Object(out))
    }

    /// A value for roomd's own services, by path text (`"Audio DefaultVolume"`).
    pub fn value(&self, root: Root, path_text: &str) -> Option<Value> {
        let segs = path::parse_text(path_text).ok()?;
        let resolved = self.schema.resolve(root, &segs).ok()?;
        match self.lock().tree(root).get(&resolved.path)? {
            Node::Leaf(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// A configuration value for services: `bus.config("Standby Delay")`.
    pub fn config(&self, path_text: &str) -> Option<Value> {
        self.value(Root::Configuration, path_text)
    }

    /// The indices of a Status list (`"Peripherals ConnectedDevice"`).
    pub fn status_indices(&self, path_text: &str) -> Vec<u32> {
        let Ok(segs) = path::parse_text(path_text) else {
            return Vec::new();
        };
        let Ok(resolved) = self.schema.resolve(Root::Status, &segs) else {
            return Vec::new();
        };
        let mut concrete = resolved.path;
        if matches!(concrete.last(), Some(CSeg::AnyIndex)) {
            concrete.pop();
        }
        self.lock().status.indices(&concrete)
    }

    /// Registers a status value computed whenever it is read.
    pub fn volatile(&self, path_text: &str, compute: impl Fn() -> Value + Send + Sync + 'static) {
        let segs = path::parse_text(path_text).expect("volatile path");
        let resolved = self
            .schema
            .resolve(Root::Status, &segs)
            .expect("volatile path in schema");
        self.volatiles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((resolved.path, Box::new(compute)));
    }

    fn refresh_volatiles(&self) {
        let volatiles = self.volatiles.lock().unwrap_or_else(|e| e.into_inner());
        if volatiles.is_empty() {
            return;
        }
        let mut state = self.lock();
        for (path, compute) in volatiles.iter() {
            state.status.set(path, compute());
        }
    }

    // ----- configuration -------------------------------------------------------------------

    /// Makes configuration durable from now on, after loading what was stored.
    /// Stored values that no longer fit the schema are reported and skipped.
    pub fn attach_config_store(&self, stored: &BTreeMap<String, String>, sink: ConfigSink) {
        for (path_text, text) in stored {
            if let Err(e) = self.load_one(path_text, text) {
                tracing::warn!("stored configuration {path_text} = {text:?} not applied: {e}");
            }
        }
        *self.sink.lock().unwrap_or_else(|e| e.into_inner()) = Some(sink);
    }

    fn load_one(&self, path_text: &str, text: &str) -> Result<(), XapiError> {
        let segs = path::parse_text(path_text)?;
        let resolved = self.schema.resolve(Root::Configuration, &segs)?;
        let (_, variant) = config_leaf(resolved.node, &resolved.path, &resolved.display())?;
        let value = variant
            .space
            .accept_text(text)
            .map_err(XapiError::invalid_value)?;
        let mut state = self.lock();
        state.config.set(&resolved.path, value.clone());
        record_override(&mut state.overrides, variant, &resolved.path, &value);
        Ok(())
    }

    /// `xSet`: checks and stores a configuration value, durably, then tells subscribers.
    pub fn set_config(&self, caller: &Caller, segs: &[Seg], value: &Json) -> Result<(), XapiError> {
        let (root, rest) = path::split_root(segs)?;
        if root != Root::Configuration {
            return Err(XapiError::new(
                ErrorKind::InvalidRequest,
                format!("Only Configuration can be set, not {root}"),
            ));
        }
        let resolved = self.schema.resolve(root, rest)?;
        let shown = resolved.display();
        let (leaf, variant) = config_leaf(resolved.node, &resolved.path, &shown)?;
        if !leaf.write.intersects(caller.roles) {
            return Err(XapiError::permission_denied(&shown));
        }
        let value = variant
            .space
            .accept(value)
            .map_err(|why| XapiError::invalid_value(format!("Illegal value for {shown}: {why}")))?;
        self.write_config(leaf, variant, &resolved.path, value)
    }

    fn write_config(
        &self,
        leaf: &ValueLeaf,
        variant: &Variant,
        path: &[CSeg],
        value: Value,
    ) -> Result<(), XapiError> {
        // One writer at a time, so the file on disk always follows the order of writes.
        let sink = self.sink.lock().unwrap_or_else(|e| e.into_inner());
        let mut overrides = {
            let state = self.lock();
            if state.config.get(path) == Some(&Node::Leaf(value.clone())) {
                return Ok(());
            }
            state.overrides.clone()
        };
        record_override(&mut overrides, variant, path, &value);
        if let Some(save) = sink.as_ref() {
            save(&overrides)
                .map_err(|e| XapiError::internal(format!("could not store configuration: {e}")))?;
        }
        let mut state = self.lock();
        state.overrides = overrides;
        state.config.set(path, value.clone());
        let change = Change {
            path: path.to_vec(),
            kind: ChangeKind::Set(value),
            read: leaf.read,
        };
        state.dispatch(ChangeSet {
            root: Root::Configuration,
            changes: vec![change],
        });
        Ok(())
    }

    // ----- commands ------------------------------------------------------------------------

    /// Registers the handler of a command. A command has one handler; registering twice is a
    /// programming error.
    pub fn handle<F, Fut>(&self, path_text: &str, handler: F)
    where
        F: Fn(Invocation) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CommandResult> + Send + 'static,
    {
        let def = self
            .command_def(path_text)
            .expect("handled command in schema");
        let handler: Handler = Arc::new(move |inv| Box::pin(handler(inv)));
        let previous = self
            .handlers
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(def.path.clone(), handler);
        assert!(previous.is_none(), "command {} handled twice", def.path);
    }

    /// Registers a handler that answers at once.
    pub fn handle_sync<F>(&self, path_text: &str, handler: F)
    where
        F: Fn(Invocation) -> CommandResult + Send + Sync + 'static,
    {
        let handler = Arc::new(handler);
        self.handle(path_text, move |inv| {
            let handler = handler.clone();
            async move { handler(inv) }
        });
    }

    /// `path` (names and indices, without its root) with its names in the schema's casing,
    /// for showing it back: `audio defaultvolume` → `Audio DefaultVolume`. `None` if the
    /// schema has no such path.
    pub fn canonical_path(&self, root: Root, path: &[Json]) -> Option<Vec<Json>> {
        let segs = path::parse_json(&Json::Array(path.to_vec())).ok()?;
        let resolved = self.schema.resolve(root, &segs).ok()?;
        Some(
            resolved
                .path
                .iter()
                .filter_map(|seg| match seg {
                    CSeg::Name(n) => Some(Json::String(n.to_string())),
                    CSeg::Index(i) => Some(Json::from(*i)),
                    CSeg::AnyIndex => None,
                })
                .collect(),
        )
    }

    /// Whether the command at `path_text` (e.g. `UserInterface Extensions Panel Save`) takes
    /// a multiline body; false for anything that is not a command.
    pub fn command_is_multiline(&self, path_text: &str) -> bool {
        self.command_def(path_text).is_ok_and(|d| d.multiline)
    }

    fn command_def(&self, path_text: &str) -> Result<Arc<super::schema::CommandDef>, XapiError> {
        let segs = path::parse_text(path_text)?;
        let resolved = self.schema.resolve(Root::Command, &segs)?;
        match &resolved.node.leaf {
            Some(Leaf::Command(def)) => Ok(def.clone()),
            _ => Err(XapiError::unknown_command(&resolved.display())),
        }
    }

    /// `xCommand`: checks the caller's roles and the parameters, then runs the handler.
    /// `segs` is the command's path without the `Command` root.
    pub async fn command(
        &self,
        caller: &Caller,
        segs: &[Seg],
        raw: &Map<String, Json>,
        body: Option<String>,
    ) -> Result<Json, XapiError> {
        let (def, handler) = {
            let resolved = self.schema.resolve(Root::Command, segs)?;
            let Some(Leaf::Command(def)) = &resolved.node.leaf else {
                return Err(XapiError::unknown_command(&resolved.display()));
            };
            if !def.roles.intersects(caller.roles) {
                let shown = format!("Command/{}", def.path.replace(' ', "/"));
                return Err(XapiError::permission_denied(&shown));
            }
            let handler = self
                .handlers
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .get(&def.path)
                .cloned();
            (def.clone(), handler)
        };
        let params = Params::validate(&def, raw)?;
        if body.is_some() && !def.multiline {
            return Err(XapiError::invalid_value(format!(
                "Command {} does not take a multiline body",
                def.path
            )));
        }
        let Some(handler) = handler else {
            return Err(XapiError::not_implemented(&def.path));
        };
        let mut result = handler(Invocation {
            caller: caller.clone(),
            params,
            body,
        })
        .await?;
        result
            .entry("status")
            .or_insert_with(|| Json::String("OK".into()));
        Ok(Json::Object(result))
    }

    /// Runs a command as roomd itself, by path text: how services reach each other.
    pub async fn command_as_system(&self, path_text: &str, raw: Json) -> Result<Json, XapiError> {
        let segs = path::parse_text(path_text)?;
        let raw = raw.as_object().cloned().unwrap_or_default();
        self.command(&Caller::system(), &segs, &raw, None).await
    }

    // ----- events --------------------------------------------------------------------------

    /// Fires an event (`"Message Send"`, `{"Text": "hi"}`) to its subscribers.
    pub fn emit(&self, path_text: &str, fields: Json) -> Result<(), XapiError> {
        let segs = path::parse_text(path_text)?;
        let resolved = self.schema.resolve(Root::Event, &segs)?;
        let Some(Leaf::Event(def)) = &resolved.node.leaf else {
            return Err(XapiError::unknown_path(&resolved.display()));
        };
        let change = Change {
            path: resolved.path.clone(),
            kind: ChangeKind::Event(fields),
            read: def.read,
        };
        self.lock().dispatch(ChangeSet {
            root: Root::Event,
            changes: vec![change],
        });
        Ok(())
    }

    /// The schema document of a path, for `xDoc`.
    pub fn doc(&self, segs: &[Seg]) -> Result<Json, XapiError> {
        let (root, rest) = path::split_root(segs)?;
        let resolved = self.schema.resolve(root, rest)?;
        Ok(doc_of(resolved.node, 0))
    }
}

/// The schema entry of a leaf, or the tree of entries below a node (depth-limited).
fn doc_of(node: &SchemaNode, depth: usize) -> Json {
    let own = match &node.leaf {
        Some(Leaf::Value(v)) => Some(v.doc.clone()),
        Some(Leaf::Command(c)) => Some(c.doc.clone()),
        Some(Leaf::Event(e)) => Some(e.doc.clone()),
        None => None,
    };
    if node.children().is_empty() || depth > 12 {
        return own.unwrap_or(Json::Null);
    }
    let mut map = Map::new();
    for child in node.children() {
        map.insert(child.name.to_string(), doc_of(child, depth + 1));
    }
    if let Some(own) = own {
        map.insert("_entry".into(), own);
    }
    Json::Object(map)
}

fn config_leaf<'s>(
    node: &'s SchemaNode,
    path: &[CSeg],
    shown: &str,
) -> Result<(&'s ValueLeaf, &'s Variant), XapiError> {
    let leaf = node.value_leaf().ok_or_else(|| {
        XapiError::invalid_value(format!("{shown} is not a single configuration value"))
    })?;
    if path.iter().any(|s| matches!(s, CSeg::AnyIndex)) {
        return Err(XapiError::invalid_value(format!(
            "{shown}: give the index of the element to set"
        )));
    }
    let variant = leaf
        .variant(&indices_of(path))
        .ok_or_else(|| XapiError::unknown_path(shown))?;
    Ok((leaf, variant))
}

fn record_override(
    overrides: &mut BTreeMap<String, String>,
    leaf: &Variant,
    path: &[CSeg],
    value: &Value,
) {
    let key = display_cpath(path);
    let first_index = path.iter().find_map(|s| match s {
        CSeg::Index(i) => Some(*i),
        _ => None,
    });
    let is_default = leaf
        .default_for(first_index)
        .and_then(|d| leaf.space.accept_text(d).ok())
        .is_some_and(|d| &d == value);
    if is_default {
        overrides.remove(&key);
    } else {
        overrides.insert(key, value.to_string());
    }
}

/// Every concrete path of a configuration leaf: one per combination of its list indices.
fn instances(trail: &[(&SchemaNode, bool)], leaf: &Variant) -> Vec<(Vec<CSeg>, Option<u32>)> {
    let mut paths: Vec<(Vec<CSeg>, Option<u32>)> = vec![(Vec::new(), None)];
    let mut ranges = leaf.ranges.iter();
    for (node, is_list) in trail {
        for (path, _) in paths.iter_mut() {
            path.push(CSeg::Name(node.name.clone()));
        }
        if !*is_list {
            continue;
        }
        let (lo, hi) = match ranges.next() {
            Some(ListKind::Fixed { lo, hi }) => (*lo, *hi),
            // Dynamic lists hold no configuration until someone adds an element.
            _ => return Vec::new(),
        };
        paths = paths
            .into_iter()
            .flat_map(|(path, first)| {
                (lo..=hi).map(move |i| {
                    let mut p = path.clone();
                    p.push(CSeg::Index(i));
                    (p, first.or(Some(i)))
                })
            })
            .collect();
    }
    paths
}

/// Matches a query pattern (names any case, `*`, `**`) against a leaf's path, as a prefix:
/// a pattern ending at a branch takes everything below it. Indices may be left out.
fn glob(pattern: &[Seg], path: &[CSeg]) -> bool {
    let Some(first) = pattern.first() else {
        return true;
    };
    match first {
        Seg::AnyDepth => (0..=path.len()).any(|k| glob(&pattern[1..], &path[k..])),
        Seg::Name(name) => match path.first() {
            Some(CSeg::Name(n)) => n.eq_ignore_ascii_case(name) && glob(&pattern[1..], &path[1..]),
            Some(CSeg::Index(_)) => glob(pattern, &path[1..]),
            _ => false,
        },
        Seg::Index(i) => {
            matches!(path.first(), Some(CSeg::Index(j)) if j == i)
                && glob(&pattern[1..], &path[1..])
        }
        Seg::AnyIndex => {
            matches!(path.first(), Some(CSeg::Index(_))) && glob(&pattern[1..], &path[1..])
        }
    }
}
