//! `import storage from 'storage'`: a small persistent key-value store per macro, so macros no
//! longer rewrite their own source to keep state. Atomic and size-capped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value as Json;

use crate::store::{self, Loaded};
use crate::xapi::XapiError;

/// The most a macro may keep, serialised.
pub const MAX_BYTES: usize = 64 * 1024;

pub struct MacroStorage {
    dir: PathBuf,
    lock: Mutex<()>,
}

impl MacroStorage {
    pub fn new(data_dir: &Path) -> MacroStorage {
        MacroStorage {
            dir: data_dir.join("macro-storage"),
            lock: Mutex::new(()),
        }
    }

    fn file(&self, macro_name: &str) -> PathBuf {
        let safe: String = macro_name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        self.dir.join(format!("{safe}.json"))
    }

    fn load(&self, macro_name: &str) -> BTreeMap<String, Json> {
        match store::load_json(&self.file(macro_name)) {
            Loaded::Found(map) => map,
            Loaded::Missing | Loaded::Corrupt(_) => BTreeMap::new(),
        }
    }

    pub fn get(&self, macro_name: &str, key: &str) -> Option<Json> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.load(macro_name).get(key).cloned()
    }

    pub fn keys(&self, macro_name: &str) -> Vec<String> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.load(macro_name).keys().cloned().collect()
    }

    /// Sets (or with `None` removes) a key; refuses, changing nothing, past the size cap.
    pub fn put(&self, macro_name: &str, key: &str, value: Option<Json>) -> Result<(), XapiError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut map = self.load(macro_name);
        match value {
            Some(v) => map.insert(key.to_string(), v),
            None => map.remove(key),
        };
        let size = serde_json::to_vec(&map)
            .map(|v| v.len())
            .unwrap_or(usize::MAX);
        if size > MAX_BYTES {
            return Err(XapiError::command_failed(format!(
                "storage of macro {macro_name} would hold {size} bytes; the limit is {MAX_BYTES}"
            )));
        }
        store::save_json(&self.file(macro_name), &map)
            .map_err(|e| XapiError::internal(format!("could not store: {e}")))
    }

    /// Forgets everything a macro stored (when the macro is removed).
    pub fn forget(&self, macro_name: &str) {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let _ = std::fs::remove_file(self.file(macro_name));
    }
}
