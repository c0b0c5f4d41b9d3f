//! Status ownership: a service claims a subtree and gets the only writer for it.
//!
//! Claims may nest (the SystemUnit service owns `SystemUnit`, the call engine may own
//! `SystemUnit State`); a write belongs to the most specific claim that covers it.

use std::sync::Arc;

use super::bus::Bus;
use super::error::XapiError;
use super::feedback::{Change, ChangeKind, ChangeSet};
use super::path::{self, Root};
use super::schema::{CSeg, display_cpath, indices_of};
use super::value::Value;

/// The writer of one service's part of the Status tree.
pub struct StatusWriter {
    bus: Arc<Bus>,
    prefix: Vec<CSeg>,
    owner: String,
}

impl Bus {
    /// Claims the Status subtree at `prefix_text` for `owner`. Claiming a subtree someone
    /// else already claimed is a programming error.
    pub fn claim_status(self: &Arc<Self>, owner: &str, prefix_text: &str) -> StatusWriter {
        let segs = path::parse_text(prefix_text).expect("status prefix");
        let resolved = self
            .schema
            .resolve(Root::Status, &segs)
            .unwrap_or_else(|e| panic!("{owner} claims {prefix_text}: {e}"));
        let mut claims = self.claims.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, other)) = claims.iter().find(|(p, _)| *p == resolved.path) {
            panic!("{owner} claims Status/{prefix_text}, already owned by {other}");
        }
        claims.push((resolved.path.clone(), owner.to_string()));
        StatusWriter {
            bus: self.clone(),
            prefix: resolved.path,
            owner: owner.to_string(),
        }
    }
}

/// Several changes made together: subscribers get them in one notification.
pub struct Batch<'w> {
    writer: &'w StatusWriter,
    ops: Vec<(Vec<CSeg>, Option<Value>)>,
}

impl Batch<'_> {
    /// Sets a leaf, by path text relative to the Status root (`"Audio Volume"`).
    pub fn set(&mut self, path_text: &str, value: impl Into<Value>) -> Result<(), XapiError> {
        let path = self.writer.owned_path(path_text)?;
        let value = self.writer.check_value(&path, &value.into())?;
        self.ops.push((path, Some(value)));
        Ok(())
    }

    /// Removes a list element (`"Peripherals ConnectedDevice 2"`); subscribers see a ghost.
    pub fn remove(&mut self, path_text: &str) -> Result<(), XapiError> {
        let path = self.writer.owned_path(path_text)?;
        self.ops.push((path, None));
        Ok(())
    }
}

impl StatusWriter {
    /// Sets one leaf.
    pub fn set(&self, path_text: &str, value: impl Into<Value>) -> Result<(), XapiError> {
        let value = value.into();
        self.update(|batch| batch.set(path_text, value))
    }

    /// Removes one list element.
    pub fn remove(&self, path_text: &str) -> Result<(), XapiError> {
        self.update(|batch| batch.remove(path_text))
    }

    /// Applies several changes at once. Nothing is applied if `build` fails.
    pub fn update(
        &self,
        build: impl FnOnce(&mut Batch<'_>) -> Result<(), XapiError>,
    ) -> Result<(), XapiError> {
        let mut batch = Batch {
            writer: self,
            ops: Vec::new(),
        };
        build(&mut batch)?;
        let mut state = self.bus.lock();
        let mut changes = Vec::new();
        for (path, op) in batch.ops {
            match op {
                Some(value) => {
                    if state.status.set(&path, value.clone()) {
                        let read = self.read_roles(&path);
                        changes.push(Change {
                            path,
                            kind: ChangeKind::Set(value),
                            read,
                        });
                    }
                }
                None => {
                    if state.status.remove(&path) {
                        changes.push(Change {
                            path,
                            kind: ChangeKind::Ghost,
                            read: super::RoleSet::ALL,
                        });
                    }
                }
            }
        }
        state.dispatch(ChangeSet {
            root: Root::Status,
            changes,
        });
        Ok(())
    }

    fn read_roles(&self, path: &[CSeg]) -> super::RoleSet {
        let mut node = self.bus.schema.root(Root::Status);
        for seg in path {
            if let CSeg::Name(name) = seg {
                match node.child(name) {
                    Some(child) => node = child,
                    None => return super::RoleSet::ALL,
                }
            }
        }
        node.value_leaf()
            .map(|l| l.read)
            .unwrap_or(super::RoleSet::ALL)
    }

    fn owned_path(&self, path_text: &str) -> Result<Vec<CSeg>, XapiError> {
        let segs = path::parse_text(path_text)?;
        let resolved = self.bus.schema.resolve(Root::Status, &segs)?;
        let path = resolved.path;
        if path.iter().any(|s| matches!(s, CSeg::AnyIndex)) {
            return Err(XapiError::invalid_value(format!(
                "Status/{}: a status write names every index",
                display_cpath(&path)
            )));
        }
        let claims = self.bus.claims.lock().unwrap_or_else(|e| e.into_inner());
        let owner = claims
            .iter()
            .filter(|(prefix, _)| path.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len());
        match owner {
            Some((prefix, _)) if *prefix == self.prefix => Ok(path),
            _ => Err(XapiError::permission_denied(&format!(
                "Status/{} is not owned by {}",
                display_cpath(&path),
                self.owner
            ))),
        }
    }

    /// Checks a value against the leaf's value space and returns it in canonical form.
    fn check_value(&self, path: &[CSeg], value: &Value) -> Result<Value, XapiError> {
        let mut node = self.bus.schema.root(Root::Status);
        for seg in path {
            if let CSeg::Name(name) = seg {
                node = node
                    .child(name)
                    .ok_or_else(|| XapiError::internal("resolved path left the schema"))?;
            }
        }
        let leaf = node.value_leaf().ok_or_else(|| {
            XapiError::invalid_value(format!("Status/{} is not a leaf", display_cpath(path)))
        })?;
        let variant = leaf.variant(&indices_of(path)).ok_or_else(|| {
            XapiError::invalid_value(format!("Status/{} has no such index", display_cpath(path)))
        })?;
        variant
            .space
            .accept_text(&value.to_string())
            .map_err(|why| {
                XapiError::invalid_value(format!(
                    "{} wrote Status/{}: {why}",
                    self.owner,
                    display_cpath(path)
                ))
            })
    }
}
