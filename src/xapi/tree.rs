//! The values of the Status and Configuration trees.
//!
//! The tree mirrors the schema: branches by canonical name, lists by index, values at the
//! leaves. It only stores; what may be read or written is decided by the bus with the schema.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::RoleSet;
use super::schema::{CSeg, SchemaNode};
use super::value::Value;

/// A node of the value tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Leaf(Value),
    Branch(BTreeMap<Arc<str>, Node>),
    List(BTreeMap<u32, Node>),
}

impl Default for Node {
    fn default() -> Self {
        Node::Branch(BTreeMap::new())
    }
}

/// A concrete leaf found by [`Node::collect`], with its path.
pub struct Found<'a> {
    pub path: Vec<CSeg>,
    pub value: &'a Value,
}

impl Node {
    /// Sets a leaf, creating branches and list elements on the way. The path holds only
    /// names and concrete indices. Returns whether the stored value changed.
    pub fn set(&mut self, path: &[CSeg], value: Value) -> bool {
        let mut node = self;
        for (i, seg) in path.iter().enumerate() {
            let next_is_index = matches!(path.get(i + 1), Some(CSeg::Index(_)));
            node = match seg {
                CSeg::Name(name) => {
                    if !matches!(node, Node::Branch(_)) {
                        *node = Node::default();
                    }
                    let Node::Branch(map) = node else {
                        unreachable!()
                    };
                    map.entry(name.clone()).or_insert_with(|| {
                        if next_is_index {
                            Node::List(BTreeMap::new())
                        } else {
                            Node::default()
                        }
                    })
                }
                CSeg::Index(index) => {
                    if !matches!(node, Node::List(_)) {
                        *node = Node::List(BTreeMap::new());
                    }
                    let Node::List(map) = node else {
                        unreachable!()
                    };
                    map.entry(*index).or_default()
                }
                CSeg::AnyIndex => return false,
            };
        }
        if *node == Node::Leaf(value.clone()) {
            return false;
        }
        *node = Node::Leaf(value);
        true
    }

    /// Removes the node at a concrete path (a list element or a leaf). Returns whether it was there.
    pub fn remove(&mut self, path: &[CSeg]) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        let Some(parent) = self.get_mut(parents) else {
            return false;
        };
        match (parent, last) {
            (Node::Branch(map), CSeg::Name(name)) => map.remove(name).is_some(),
            (Node::List(map), CSeg::Index(index)) => map.remove(index).is_some(),
            _ => false,
        }
    }

    fn get_mut(&mut self, path: &[CSeg]) -> Option<&mut Node> {
        let mut node = self;
        for seg in path {
            node = match (node, seg) {
                (Node::Branch(map), CSeg::Name(name)) => map.get_mut(name)?,
                (Node::List(map), CSeg::Index(index)) => map.get_mut(index)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The node at a concrete path.
    pub fn get(&self, path: &[CSeg]) -> Option<&Node> {
        let mut node = self;
        for seg in path {
            node = match (node, seg) {
                (Node::Branch(map), CSeg::Name(name)) => map.get(name)?,
                (Node::List(map), CSeg::Index(index)) => map.get(index)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The indices present in the list at a concrete path.
    pub fn indices(&self, path: &[CSeg]) -> Vec<u32> {
        match self.get(path) {
            Some(Node::List(map)) => map.keys().copied().collect(),
            _ => Vec::new(),
        }
    }

    /// Every leaf under `pattern` (which may hold `AnyIndex`) that `roles` may read.
    /// `schema` is the schema node matching `self`.
    pub fn collect<'a>(
        &'a self,
        schema: &SchemaNode,
        pattern: &[CSeg],
        roles: RoleSet,
        out: &mut Vec<Found<'a>>,
    ) {
        let mut trail = Vec::new();
        collect_into(self, schema, pattern, roles, &mut trail, out);
    }
}

fn collect_into<'a>(
    node: &'a Node,
    schema: &SchemaNode,
    pattern: &[CSeg],
    roles: RoleSet,
    trail: &mut Vec<CSeg>,
    out: &mut Vec<Found<'a>>,
) {
    match (node, pattern.first()) {
        (Node::Leaf(value), None)
            if schema
                .value_leaf()
                .is_some_and(|leaf| leaf.read.intersects(roles)) =>
        {
            out.push(Found {
                path: trail.clone(),
                value,
            });
        }
        (Node::Branch(map), None) => {
            for (name, child) in map {
                if let Some(child_schema) = schema.child(name) {
                    trail.push(CSeg::Name(name.clone()));
                    collect_into(child, child_schema, pattern, roles, trail, out);
                    trail.pop();
                }
            }
        }
        (Node::Branch(map), Some(CSeg::Name(name))) => {
            if let (Some(child), Some(child_schema)) = (map.get(name), schema.child(name)) {
                trail.push(CSeg::Name(name.clone()));
                collect_into(child, child_schema, &pattern[1..], roles, trail, out);
                trail.pop();
            }
        }
        (Node::List(map), None | Some(CSeg::AnyIndex)) => {
            let rest = if pattern.is_empty() {
                pattern
            } else {
                &pattern[1..]
            };
            for (index, element) in map {
                trail.push(CSeg::Index(*index));
                collect_into(element, schema, rest, roles, trail, out);
                trail.pop();
            }
        }
        (Node::List(map), Some(CSeg::Index(index))) => {
            if let Some(element) = map.get(index) {
                trail.push(CSeg::Index(*index));
                collect_into(element, schema, &pattern[1..], roles, trail, out);
                trail.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> CSeg {
        CSeg::Name(Arc::from(s))
    }

    #[test]
    fn set_reports_change_and_remove_takes_elements_away() {
        let mut tree = Node::default();
        let path = vec![name("Call"), CSeg::Index(3), name("Status")];
        assert!(tree.set(&path, Value::text("Dialling")));
        assert!(!tree.set(&path, Value::text("Dialling")));
        assert!(tree.set(&path, Value::text("Connected")));
        assert_eq!(tree.indices(&[name("Call")]), vec![3]);
        assert!(tree.remove(&path[..2]));
        assert!(!tree.remove(&path[..2]));
        assert_eq!(tree.indices(&[name("Call")]), Vec::<u32>::new());
    }
}
