//! The macros stored on the device: source, whether active, and the roles they run with.
//! All in one durable file, so a save is atomic across source and metadata.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::store::{self, Loaded};
use crate::xapi::XapiError;

/// Largest macro source accepted.
pub const MAX_SOURCE: usize = 1 << 20;
/// Most macros a device holds.
pub const MAX_MACROS: usize = 100;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StoredMacro {
    pub name: String,
    pub source: String,
    pub active: bool,
    /// The roles its xapi calls run with.
    pub roles: Vec<String>,
}

pub struct MacroStore {
    path: PathBuf,
    macros: Mutex<Vec<StoredMacro>>,
}

/// Macro names as RoomOS allows them (spaces and `~` are common), but never a path.
pub fn check_name(name: &str) -> Result<(), XapiError> {
    let fine = !name.is_empty()
        && name.chars().count() <= 250
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\'));
    if fine {
        Ok(())
    } else {
        Err(XapiError::command_failed(format!(
            "Invalid macro name {name:?}: 1 to 250 characters, no slashes, not starting with '.'"
        )))
    }
}

fn no_macro(name: &str) -> XapiError {
    XapiError::command_failed(format!("No macro named {name:?}"))
}

/// The roles a macro runs with unless `Macros Macro Roles Set` says otherwise.
pub fn default_roles() -> Vec<String> {
    ["Admin", "Integrator", "User", "RoomControl"]
        .iter()
        .map(|r| r.to_string())
        .collect()
}

impl MacroStore {
    pub fn open(data_dir: &Path) -> MacroStore {
        let path = data_dir.join("macros.json");
        let macros = match store::load_json::<Vec<StoredMacro>>(&path) {
            Loaded::Found(macros) => macros,
            Loaded::Missing | Loaded::Corrupt(_) => Vec::new(),
        };
        MacroStore {
            path,
            macros: Mutex::new(macros),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<StoredMacro>> {
        self.macros.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    pub fn list(&self) -> Vec<StoredMacro> {
        self.lock().clone()
    }

    pub fn get(&self, name: &str) -> Option<StoredMacro> {
        self.lock().iter().find(|m| m.name == name).cloned()
    }

    /// Applies a change to a copy, stores it, then makes it current: a failed write changes nothing.
    fn modify<R>(
        &self,
        change: impl FnOnce(&mut Vec<StoredMacro>) -> Result<R, XapiError>,
    ) -> Result<R, XapiError> {
        let mut macros = self.lock();
        let mut next = macros.clone();
        let out = change(&mut next)?;
        store::save_json(&self.path, &next)
            .map_err(|e| XapiError::internal(format!("could not store macros: {e}")))?;
        *macros = next;
        Ok(out)
    }

    /// Saves a macro's source; a new macro starts inactive.
    pub fn save(&self, name: &str, source: &str, overwrite: bool) -> Result<(), XapiError> {
        check_name(name)?;
        if source.len() > MAX_SOURCE {
            return Err(XapiError::command_failed(format!(
                "Macro {name} is {} bytes; the limit is {MAX_SOURCE}",
                source.len()
            )));
        }
        self.modify(|macros| {
            match macros.iter_mut().find(|m| m.name == name) {
                Some(_) if !overwrite => {
                    return Err(XapiError::command_failed(format!(
                        "Macro {name} exists and Overwrite is False"
                    )));
                }
                Some(existing) => existing.source = source.to_string(),
                None => {
                    if macros.len() >= MAX_MACROS {
                        return Err(XapiError::command_failed(format!(
                            "The device holds at most {MAX_MACROS} macros"
                        )));
                    }
                    macros.push(StoredMacro {
                        name: name.to_string(),
                        source: source.to_string(),
                        active: false,
                        roles: default_roles(),
                    });
                }
            }
            Ok(())
        })
    }

    pub fn set_active(&self, name: &str, active: bool) -> Result<(), XapiError> {
        self.modify(|macros| {
            let m = macros
                .iter_mut()
                .find(|m| m.name == name)
                .ok_or_else(|| no_macro(name))?;
            m.active = active;
            Ok(())
        })
    }

    pub fn set_roles(&self, name: &str, roles: Vec<String>) -> Result<(), XapiError> {
        self.modify(|macros| {
            let m = macros
                .iter_mut()
                .find(|m| m.name == name)
                .ok_or_else(|| no_macro(name))?;
            m.roles = roles;
            Ok(())
        })
    }

    pub fn remove(&self, name: &str) -> Result<(), XapiError> {
        self.modify(|macros| {
            let before = macros.len();
            macros.retain(|m| m.name != name);
            if macros.len() == before {
                return Err(no_macro(name));
            }
            Ok(())
        })
    }

    pub fn remove_all(&self) -> Result<Vec<String>, XapiError> {
        self.modify(|macros| Ok(macros.drain(..).map(|m| m.name).collect()))
    }

    pub fn rename(&self, name: &str, new_name: &str, overwrite: bool) -> Result<(), XapiError> {
        check_name(new_name)?;
        self.modify(|macros| {
            if !macros.iter().any(|m| m.name == name) {
                return Err(no_macro(name));
            }
            if name != new_name && macros.iter().any(|m| m.name == new_name) {
                if !overwrite {
                    return Err(XapiError::command_failed(format!(
                        "Macro {new_name} exists and Overwrite is False"
                    )));
                }
                macros.retain(|m| m.name != new_name);
            }
            let m = macros
                .iter_mut()
                .find(|m| m.name == name)
                .ok_or_else(|| no_macro(name))?;
            m.name = new_name.to_string();
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_survive_reopening_and_bad_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = MacroStore::open(dir.path());
        store
            .save("Join Zoom~1", "import xapi from 'xapi';", true)
            .unwrap();
        store.set_active("Join Zoom~1", true).unwrap();
        assert!(store.save("../etc/passwd", "x", true).is_err());
        assert!(store.save("Join Zoom~1", "y", false).is_err());
        store.rename("Join Zoom~1", "Zoom", false).unwrap();
        let store = MacroStore::open(dir.path());
        let m = store.get("Zoom").unwrap();
        assert!(m.active);
        assert_eq!(m.source, "import xapi from 'xapi';");
        assert!(store.remove("nope").is_err());
    }
}
