//! Turns leaves at paths into the JSON shapes clients expect: objects by name, lists as arrays
//! of objects carrying `id`, removed list elements as `{id, ghost: "True"}`.

use serde_json::{Map, Value as Json};

use super::schema::CSeg;
use super::value::Typing;

/// Builds a partial tree from (path, value) insertions.
pub struct TreeBuilder {
    root: Json,
    typing: Typing,
}

impl TreeBuilder {
    pub fn new(typing: Typing) -> Self {
        TreeBuilder {
            root: Json::Object(Map::new()),
            typing,
        }
    }

    fn id(&self, index: u32) -> Json {
        match self.typing {
            Typing::Typed => Json::from(index),
            Typing::Legacy => Json::String(index.to_string()),
        }
    }

    /// Puts `value` at a concrete path, creating objects and list elements on the way.
    pub fn insert(&mut self, path: &[CSeg], value: Json) {
        let typing = self.typing;
        let mut node = &mut self.root;
        let mut i = 0;
        while i < path.len() {
            let CSeg::Name(name) = &path[i] else {
                // An index is always consumed with the name before it.
                i += 1;
                continue;
            };
            let obj = ensure_object(node);
            match path.get(i + 1) {
                Some(CSeg::Index(index)) => {
                    let list = obj
                        .entry(name.to_string())
                        .or_insert_with(|| Json::Array(Vec::new()));
                    if !list.is_array() {
                        *list = Json::Array(Vec::new());
                    }
                    let Json::Array(items) = list else {
                        unreachable!()
                    };
                    let id = match typing {
                        Typing::Typed => Json::from(*index),
                        Typing::Legacy => Json::String(index.to_string()),
                    };
                    let pos = items
                        .iter()
                        .position(|e| e.get("id") == Some(&id))
                        .unwrap_or_else(|| {
                            let mut element = Map::new();
                            element.insert("id".into(), id.clone());
                            items.push(Json::Object(element));
                            items.len() - 1
                        });
                    node = &mut items[pos];
                    if i + 2 == path.len() {
                        // A list of bare values: the value sits beside the id.
                        if let Json::Object(element) = node {
                            if let Json::Object(fields) = value {
                                element.extend(fields);
                            } else {
                                element.insert("Value".into(), value);
                            }
                        }
                        return;
                    }
                    i += 2;
                }
                _ => {
                    if i + 1 == path.len() {
                        obj.insert(name.to_string(), value);
                        return;
                    }
                    node = obj
                        .entry(name.to_string())
                        .or_insert_with(|| Json::Object(Map::new()));
                    i += 1;
                }
            }
        }
        // An empty path: merge an object into the root.
        if let (Json::Object(target), Json::Object(fields)) = (node, value) {
            target.extend(fields);
        }
    }

    /// Marks a list element as removed.
    pub fn ghost(&mut self, path: &[CSeg]) {
        let mut fields = Map::new();
        fields.insert("ghost".into(), Json::String("True".into()));
        if let Some(CSeg::Index(index)) = path.last() {
            fields.insert("id".into(), self.id(*index));
        }
        self.insert(path, Json::Object(fields));
    }

    pub fn finish(self) -> Json {
        self.root
    }
}

fn ensure_object(node: &mut Json) -> &mut Map<String, Json> {
    if !node.is_object() {
        *node = Json::Object(Map::new());
    }
    match node {
        Json::Object(map) => map,
        _ => unreachable!(),
    }
}

/// Walks a built tree down a requested path: names by key, an index picks the element with
/// that `id`, and `AnyIndex` stops at the list itself (it is already restricted).
pub fn descend(mut node: Json, path: &[CSeg], typing: Typing) -> Option<Json> {
    for seg in path {
        node = match seg {
            CSeg::Name(name) => match node {
                Json::Object(mut map) => map.remove(name.as_ref())?,
                _ => return None,
            },
            CSeg::Index(index) => {
                let id = match typing {
                    Typing::Typed => Json::from(*index),
                    Typing::Legacy => Json::String(index.to_string()),
                };
                match node {
                    Json::Array(items) => items.into_iter().find(|e| e.get("id") == Some(&id))?,
                    _ => return None,
                }
            }
            CSeg::AnyIndex => return Some(node),
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Arc;

    fn name(s: &str) -> CSeg {
        CSeg::Name(Arc::from(s))
    }

    #[test]
    fn lists_become_arrays_with_ids() {
        let mut b = TreeBuilder::new(Typing::Typed);
        b.insert(
            &[name("Call"), CSeg::Index(3), name("Status")],
            json!("Connected"),
        );
        b.insert(
            &[name("Call"), CSeg::Index(3), name("Direction")],
            json!("Outgoing"),
        );
        b.insert(&[name("Audio"), name("Volume")], json!(50));
        assert_eq!(
            b.finish(),
            json!({"Call":[{"id":3,"Status":"Connected","Direction":"Outgoing"}],"Audio":{"Volume":50}})
        );
    }

    #[test]
    fn ghosts_carry_the_id() {
        let mut b = TreeBuilder::new(Typing::Legacy);
        b.ghost(&[name("Call"), CSeg::Index(3)]);
        assert_eq!(b.finish(), json!({"Call":[{"id":"3","ghost":"True"}]}));
    }

    #[test]
    fn descend_finds_elements_by_id() {
        let tree = json!({"Call":[{"id":3,"Status":"Connected"}]});
        assert_eq!(
            descend(
                tree.clone(),
                &[name("Call"), CSeg::Index(3), name("Status")],
                Typing::Typed
            ),
            Some(json!("Connected"))
        );
        assert_eq!(
            descend(tree, &[name("Call"), CSeg::Index(4)], Typing::Typed),
            None
        );
    }
}
