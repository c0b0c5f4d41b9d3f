//! Feedback: what changed, who asked to hear about it, and the payload they get.
//!
//! A service's update becomes one [`ChangeSet`], shared (`Arc`) by every subscriber it
//! matches, so dispatch costs a pattern match and a queue push per subscriber; the JSON is
//! built by the receiver, in the typing it wants.

use std::sync::Arc;

use serde_json::{Map, Value as Json};

use super::path::Root;
use super::render::TreeBuilder;
use super::role::RoleSet;
use super::schema::CSeg;
use super::value::{Typing, Value};

/// What happened at a path.
#[derive(Clone, Debug, PartialEq)]
pub enum ChangeKind {
    /// A leaf has a new value.
    Set(Value),
    /// A list element went away.
    Ghost,
    /// An event fired, with its fields.
    Event(Json),
}

/// One change, with who may see it.
#[derive(Clone, Debug)]
pub struct Change {
    pub path: Vec<CSeg>,
    pub kind: ChangeKind,
    pub read: RoleSet,
}

/// The changes of one update, delivered together.
#[derive(Debug)]
pub struct ChangeSet {
    pub root: Root,
    pub changes: Vec<Change>,
}

/// Identifies a subscription within its subscriber (the `Id` of `xFeedback/Subscribe`).
pub type SubId = u64;

/// A feedback expression, resolved: `Status/Call[*]/Status`, `Event/Message/Send`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub root: Root,
    pub path: Vec<CSeg>,
}

impl Pattern {
    /// Whether a change is of interest: the pattern leads to it, or (for removals and events)
    /// it lies inside what was removed or fired.
    pub fn matches(&self, root: Root, change: &Change) -> bool {
        if root != self.root {
            return false;
        }
        for (i, want) in self.path.iter().enumerate() {
            let Some(have) = change.path.get(i) else {
                return !matches!(change.kind, ChangeKind::Set(_));
            };
            let same = match (want, have) {
                (CSeg::Name(a), CSeg::Name(b)) => Arc::ptr_eq(a, b) || a == b,
                (CSeg::Index(a), CSeg::Index(b)) => a == b,
                (CSeg::AnyIndex, CSeg::Index(_)) => true,
                _ => false,
            };
            if !same {
                return false;
            }
        }
        true
    }
}

/// Which changes of a set a notification carries.
#[derive(Clone, Debug)]
pub enum Matched {
    All,
    Some(Vec<u32>),
}

/// One subscription's share of an update.
#[derive(Clone, Debug)]
pub struct Notification {
    pub id: SubId,
    pub set: Arc<ChangeSet>,
    pub matched: Matched,
}

impl Notification {
    /// The feedback payload: `{"Status": {...only what changed...}}`.
    pub fn render(&self, typing: Typing) -> Json {
        let mut builder = TreeBuilder::new(typing);
        let mut add = |change: &Change| match &change.kind {
            ChangeKind::Set(value) => builder.insert(&change.path, value.to_json(typing)),
            ChangeKind::Ghost => builder.ghost(&change.path),
            ChangeKind::Event(fields) => builder.insert(&change.path, retype(fields, typing)),
        };
        match &self.matched {
            Matched::All => self.set.changes.iter().for_each(&mut add),
            Matched::Some(indices) => indices
                .iter()
                .for_each(|i| add(&self.set.changes[*i as usize])),
        }
        let mut out = Map::new();
        out.insert(self.set.root.name().to_string(), builder.finish());
        Json::Object(out)
    }
}

/// Event fields are built typed; legacy clients get every scalar as a string.
pub fn retype(value: &Json, typing: Typing) -> Json {
    match (value, typing) {
        (_, Typing::Typed) => value.clone(),
        (Json::Number(n), Typing::Legacy) => Json::String(n.to_string()),
        (Json::Bool(b), Typing::Legacy) => {
            Json::String(if *b { "True" } else { "False" }.to_string())
        }
        (Json::Array(items), Typing::Legacy) => {
            Json::Array(items.iter().map(|v| retype(v, typing)).collect())
        }
        (Json::Object(map), Typing::Legacy) => Json::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), retype(v, typing)))
                .collect(),
        ),
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn name(s: &str) -> CSeg {
        CSeg::Name(Arc::from(s))
    }

    fn set(path: Vec<CSeg>) -> Change {
        Change {
            path,
            kind: ChangeKind::Set(Value::Int(1)),
            read: RoleSet::ALL,
        }
    }

    #[test]
    fn patterns_match_prefixes_and_wildcards() {
        let call3 = set(vec![name("Call"), CSeg::Index(3), name("Status")]);
        let p = |path| Pattern {
            root: Root::Status,
            path,
        };
        assert!(p(vec![name("Call")]).matches(Root::Status, &call3));
        assert!(
            p(vec![name("Call"), CSeg::AnyIndex, name("Status")]).matches(Root::Status, &call3)
        );
        assert!(p(vec![name("Call"), CSeg::Index(3)]).matches(Root::Status, &call3));
        assert!(!p(vec![name("Call"), CSeg::Index(4)]).matches(Root::Status, &call3));
        assert!(!p(vec![name("Call")]).matches(Root::Configuration, &call3));
        assert!(!p(vec![name("Audio")]).matches(Root::Status, &call3));
        // A deeper pattern hears of the element's removal.
        let ghost = Change {
            path: vec![name("Call"), CSeg::Index(3)],
            kind: ChangeKind::Ghost,
            read: RoleSet::ALL,
        };
        assert!(
            p(vec![name("Call"), CSeg::Index(3), name("Status")]).matches(Root::Status, &ghost)
        );
    }

    #[test]
    fn notifications_carry_only_their_changes() {
        let set = Arc::new(ChangeSet {
            root: Root::Status,
            changes: vec![
                set(vec![name("Audio"), name("Volume")]),
                set(vec![name("Standby"), name("State")]),
            ],
        });
        let n = Notification {
            id: 7,
            set,
            matched: Matched::Some(vec![1]),
        };
        assert_eq!(
            n.render(Typing::Typed),
            json!({"Status":{"Standby":{"State":1}}})
        );
        assert_eq!(
            n.render(Typing::Legacy),
            json!({"Status":{"Standby":{"State":"1"}}})
        );
    }
}
