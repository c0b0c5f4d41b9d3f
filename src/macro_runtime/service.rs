//! The `Macros` xAPI: save, get, activate, rename and remove macros, control the runtime, read
//! the log. Every change is stored first, then announced with its event.

use std::sync::Arc;

use serde_json::{Map, Value as Json, json};

use super::supervisor::Supervisor;
use crate::xapi::{Bus, Caller, CommandResult, Invocation, XapiError, parse_text};

/// A Macros command, run against the supervisor.
type MacrosCommand = fn(&Arc<Supervisor>, &Invocation) -> CommandResult;

fn name_of(inv: &Invocation) -> String {
    inv.params.text("Name").unwrap_or_default()
}

fn flag(inv: &Invocation, name: &str) -> bool {
    inv.params.text(name).is_some_and(|v| v == "True")
}

fn emit(bus: &Bus, event: &str, fields: Json) {
    if let Err(e) = bus.emit(event, fields) {
        tracing::error!("could not emit {event}: {e}");
    }
}

pub fn install(bus: &Arc<Bus>, supervisor: &Arc<Supervisor>) {
    let handle = |path: &str, run: MacrosCommand| {
        let s = supervisor.clone();
        bus.handle_sync(path, move |inv| run(&s, &inv));
    };

    handle("Macros Macro Save", |s, inv| {
        let name = name_of(inv);
        let source = inv.body.clone().ok_or_else(|| {
            XapiError::command_failed("Macro Save takes the macro's source as its body")
        })?;
        s.store.save(
            &name,
            &source,
            inv.params.text("Overwrite").is_none_or(|v| v == "True"),
        )?;
        emit(&s.bus, "Macros Macro Saved", json!({ "Name": name }));
        if s.store.get(&name).is_some_and(|m| m.active) {
            s.restart(&name);
        }
        Ok(Map::new())
    });
    handle("Macros Macro Get", |s, inv| {
        let wanted = inv.params.text("Name");
        let content = flag(inv, "Content");
        let macros: Vec<Json> = s
            .store
            .list()
            .into_iter()
            .filter(|m| wanted.as_ref().is_none_or(|w| *w == m.name))
            .map(|m| {
                let mut entry = json!({
                    "Name": m.name,
                    "Active": if m.active { "True" } else { "False" },
                    "Roles": m.roles,
                });
                if content {
                    entry["Content"] = Json::String(m.source);
                }
                entry
            })
            .collect();
        if let Some(w) = wanted.filter(|_| macros.is_empty()) {
            return Err(XapiError::command_failed(format!("No macro named {w:?}")));
        }
        let mut result = Map::new();
        result.insert("Macro".into(), Json::Array(macros));
        Ok(result)
    });
    handle("Macros Macro Activate", |s, inv| {
        let name = name_of(inv);
        s.store.set_active(&name, true)?;
        emit(&s.bus, "Macros Macro Activated", json!({ "Name": name }));
        s.sync();
        Ok(Map::new())
    });
    handle("Macros Macro Deactivate", |s, inv| {
        let name = name_of(inv);
        s.store.set_active(&name, false)?;
        emit(&s.bus, "Macros Macro Deactivated", json!({ "Name": name }));
        s.sync();
        Ok(Map::new())
    });
    handle("Macros Macro Remove", |s, inv| {
        let name = name_of(inv);
        s.store.remove(&name)?;
        s.storage.forget(&name);
        s.sync();
        emit(&s.bus, "Macros Macro Removed", json!({ "Name": name }));
        Ok(Map::new())
    });
    handle("Macros Macro RemoveAll", |s, _| {
        for name in s.store.remove_all()? {
            s.storage.forget(&name);
            emit(&s.bus, "Macros Macro Removed", json!({ "Name": name }));
        }
        s.sync();
        Ok(Map::new())
    });
    handle("Macros Macro Rename", |s, inv| {
        let name = name_of(inv);
        let new_name = inv.params.text("NewName").unwrap_or_default();
        s.store.rename(&name, &new_name, flag(inv, "Overwrite"))?;
        s.stop(&name);
        s.sync();
        emit(
            &s.bus,
            "Macros Macro Renamed",
            json!({ "Name": name, "NewName": new_name }),
        );
        Ok(Map::new())
    });
    handle("Macros Macro Roles Set", |s, inv| {
        let name = name_of(inv);
        let roles: Vec<String> = inv
            .params
            .all("Role")
            .iter()
            .map(|r| r.to_string())
            .collect();
        s.store.set_roles(&name, roles)?;
        s.restart(&name);
        Ok(Map::new())
    });
    handle("Macros Runtime Start", |s, _| {
        s.set_runtime(true);
        s.sync();
        emit(&s.bus, "Macros Runtime Ready", json!({}));
        Ok(Map::new())
    });
    handle("Macros Runtime Stop", |s, _| {
        s.set_runtime(false);
        s.sync();
        Ok(Map::new())
    });
    handle("Macros Runtime Restart", |s, _| {
        emit(&s.bus, "Macros Runtime Reloading", json!({}));
        s.set_runtime(false);
        s.sync();
        s.set_runtime(true);
        s.sync();
        emit(&s.bus, "Macros Runtime Reloaded", json!({}));
        Ok(Map::new())
    });
    handle("Macros Runtime Status", |s, _| {
        let macros: Vec<Json> = s
            .states()
            .into_iter()
            .map(|(name, st)| {
                json!({ "Name": name, "State": st.state, "Restarts": st.restarts, "LastError": st.last_error })
            })
            .collect();
        let mut result = Map::new();
        result.insert(
            "Running".into(),
            json!(if s.runtime_running() { "True" } else { "False" }),
        );
        result.insert("ActiveMacros".into(), json!(macros.len()));
        result.insert("Macro".into(), Json::Array(macros));
        Ok(result)
    });
    handle("Macros Log Get", |s, inv| {
        let offset = inv.params.int("Offset").unwrap_or(0).max(0) as u64;
        let mut result = Map::new();
        let lines: Vec<Json> = s.log.since(offset).iter().map(|e| e.to_json()).collect();
        result.insert("Log".into(), Json::Array(lines));
        Ok(result)
    });
    handle("Macros Log Clear", |s, _| {
        s.log.clear();
        Ok(Map::new())
    });

    // Macros Mode switches every macro on or off.
    let s = supervisor.clone();
    tokio::spawn(async move {
        let (handle, mut rx) = s.bus.subscriber(Caller::system(), "macro runtime");
        if let Err(e) = handle.subscribe(&parse_text("Configuration Macros Mode").expect("path")) {
            tracing::error!("macro runtime cannot follow Macros Mode: {e}");
            return;
        }
        while rx.recv().await.is_some() {
            s.sync();
        }
    });
}
