//! Feedback subscribers: a WebSocket connection, a macro, a service listening to the bus.
//!
//! Each subscriber has a bounded queue. A subscriber that stops reading fills it and is
//! dropped with a logged reason, so a stuck client can never grow roomd's memory.

use std::sync::Arc;

use tokio::sync::mpsc;

use super::RoleSet;
use super::bus::{Bus, State};
use super::command::Caller;
use super::error::{ErrorKind, XapiError};
use super::feedback::{Change, ChangeKind, ChangeSet, Matched, Notification, Pattern, SubId};
use super::path::{self, Root, Seg};
use super::schema::Leaf;

pub(super) struct Subscriber {
    key: u64,
    label: String,
    roles: RoleSet,
    patterns: Vec<(SubId, Pattern)>,
    next_id: SubId,
    tx: mpsc::Sender<Notification>,
}

impl State {
    /// Hands a change set to every subscription it matches. Runs under the bus lock, so
    /// every subscriber sees changes in the order they were made.
    pub(super) fn dispatch(&mut self, set: ChangeSet) {
        if set.changes.is_empty() || self.subscribers.is_empty() {
            return;
        }
        let set = Arc::new(set);
        let mut dropped = 0;
        self.subscribers.retain(|sub| {
            for (id, pattern) in &sub.patterns {
                let Some(matched) = match_changes(&set, pattern, sub.roles) else {
                    continue;
                };
                let notification = Notification {
                    id: *id,
                    set: set.clone(),
                    matched,
                };
                match sub.tx.try_send(notification) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        tracing::warn!(
                            "feedback queue of {} is full (it is not reading): dropping it",
                            sub.label
                        );
                        dropped += sub.patterns.len();
                        return false;
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => {
                        dropped += sub.patterns.len();
                        return false;
                    }
                }
            }
            true
        });
        self.total_subscriptions -= dropped;
    }
}

fn match_changes(set: &ChangeSet, pattern: &Pattern, roles: RoleSet) -> Option<Matched> {
    let hit = |c: &Change| c.read.intersects(roles) && pattern.matches(set.root, c);
    if set.changes.len() == 1 {
        return hit(&set.changes[0]).then_some(Matched::All);
    }
    let indices: Vec<u32> = set
        .changes
        .iter()
        .enumerate()
        .filter(|(_, c)| hit(c))
        .map(|(i, _)| i as u32)
        .collect();
    match indices.len() {
        0 => None,
        n if n == set.changes.len() => Some(Matched::All),
        _ => Some(Matched::Some(indices)),
    }
}

/// A subscriber's handle: add and remove feedback expressions. Dropping it unsubscribes all.
pub struct SubscriberHandle {
    bus: Arc<Bus>,
    key: u64,
    caller: Caller,
}

impl Bus {
    /// A new subscriber acting as `caller`; notifications arrive on the returned receiver.
    pub fn subscriber(
        self: &Arc<Self>,
        caller: Caller,
        label: impl Into<String>,
    ) -> (SubscriberHandle, mpsc::Receiver<Notification>) {
        let (tx, rx) = mpsc::channel(self.limits.queue);
        let mut state = self.lock();
        let key = state.next_subscriber;
        state.next_subscriber += 1;
        state.subscribers.push(Subscriber {
            key,
            label: label.into(),
            roles: caller.roles,
            patterns: Vec::new(),
            next_id: 0,
            tx,
        });
        drop(state);
        let handle = SubscriberHandle {
            bus: self.clone(),
            key,
            caller,
        };
        (handle, rx)
    }

    /// Resolves a feedback expression and checks that `caller` may hear it.
    pub fn feedback_pattern(&self, caller: &Caller, segs: &[Seg]) -> Result<Pattern, XapiError> {
        let (root, rest) = path::split_root(segs)?;
        let resolved = self.schema.resolve(root, rest)?;
        let allowed = match &resolved.node.leaf {
            Some(Leaf::Value(v)) => v.read.intersects(caller.roles),
            Some(Leaf::Event(e)) => e.read.intersects(caller.roles),
            Some(Leaf::Command(_)) => {
                return Err(XapiError::new(
                    ErrorKind::InvalidRequest,
                    "Commands give no feedback; subscribe to Status, Configuration or Event",
                ));
            }
            // Branches: each change is filtered by its own read roles at dispatch.
            None => true,
        };
        if !allowed {
            return Err(XapiError::permission_denied(&resolved.display()));
        }
        Ok(Pattern {
            root,
            path: resolved.path,
        })
    }
}

impl SubscriberHandle {
    /// Adds a feedback expression (`["Status","Audio","Volume"]`, `"Event Message Send"`).
    pub fn subscribe(&self, segs: &[Seg]) -> Result<(SubId, Pattern), XapiError> {
        let pattern = self.bus.feedback_pattern(&self.caller, segs)?;
        let limits = self.bus.limits;
        let mut state = self.bus.lock();
        if state.total_subscriptions >= limits.subscriptions_total {
            return Err(too_many("the device"));
        }
        let key = self.key;
        let Some(sub) = state.subscribers.iter_mut().find(|s| s.key == key) else {
            return Err(XapiError::internal(
                "this subscriber was dropped for not reading its feedback",
            ));
        };
        if sub.patterns.len() >= limits.subscriptions_per_subscriber {
            return Err(too_many("this connection"));
        }
        let id = sub.next_id;
        sub.next_id += 1;
        sub.patterns.push((id, pattern.clone()));
        state.total_subscriptions += 1;
        Ok((id, pattern))
    }

    /// Removes a feedback expression; false if there was none with that id.
    pub fn unsubscribe(&self, id: SubId) -> bool {
        let mut state = self.bus.lock();
        let key = self.key;
        let Some(sub) = state.subscribers.iter_mut().find(|s| s.key == key) else {
            return false;
        };
        let before = sub.patterns.len();
        sub.patterns.retain(|(i, _)| *i != id);
        let removed = before - sub.patterns.len();
        state.total_subscriptions -= removed;
        removed > 0
    }

    /// The current values under a Status or Configuration pattern, as one notification
    /// (`NotifyCurrentValue`). None for events, or when nothing is there.
    pub fn current(&self, id: SubId, pattern: &Pattern) -> Option<Notification> {
        if pattern.root == Root::Event || pattern.root == Root::Command {
            return None;
        }
        let state = self.bus.lock();
        let mut found = Vec::new();
        state.tree(pattern.root).collect(
            self.bus.schema.root(pattern.root),
            &pattern.path,
            self.caller.roles,
            &mut found,
        );
        if found.is_empty() {
            return None;
        }
        let changes = found
            .into_iter()
            .map(|f| Change {
                path: f.path,
                kind: ChangeKind::Set(f.value.clone()),
                read: RoleSet::ALL,
            })
            .collect();
        Some(Notification {
            id,
            set: Arc::new(ChangeSet {
                root: pattern.root,
                changes,
            }),
            matched: Matched::All,
        })
    }
}

impl Drop for SubscriberHandle {
    fn drop(&mut self) {
        let mut state = self.bus.lock();
        let key = self.key;
        if let Some(pos) = state.subscribers.iter().position(|s| s.key == key) {
            let sub = state.subscribers.remove(pos);
            state.total_subscriptions -= sub.patterns.len();
        }
    }
}

fn too_many(scope: &str) -> XapiError {
    XapiError::new(
        ErrorKind::TooManySubscriptions,
        format!("Too many feedback subscriptions on {scope}"),
    )
}
