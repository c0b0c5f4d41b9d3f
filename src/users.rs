//! User accounts: names, roles and salted password hashes (Argon2id), stored durably.
//!
//! Only hashes are stored. With no admin password given and no accounts stored, roomd makes
//! one up at first start and prints it once.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::store::{self, Loaded};
use crate::xapi::{Caller, Role, RoleSet, XapiError};

/// One account as stored.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub username: String,
    pub roles: Vec<String>,
    /// PHC string of the Argon2id hash.
    pub hash: String,
    pub active: bool,
    #[serde(default)]
    pub passphrase_change_required: bool,
}

impl Account {
    pub fn role_set(&self) -> RoleSet {
        RoleSet::from_names(&self.roles)
    }
}

/// The device's accounts.
pub struct Users {
    path: PathBuf,
    accounts: Mutex<Vec<Account>>,
}

/// What opening the accounts did, for the start-up message.
pub enum AdminPassword {
    /// Set from the command line or the environment.
    Given,
    /// Made up now; shown once.
    Generated(String),
    /// Kept from the stored accounts.
    Stored,
}

fn hash(password: &str) -> Result<String, XapiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| XapiError::internal(format!("could not hash the passphrase: {e}")))
}

fn check_username(name: &str) -> Result<(), XapiError> {
    let fine = !name.is_empty()
        && name.len() <= 127
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if fine {
        Ok(())
    } else {
        Err(XapiError::command_failed(format!(
            "Invalid username {name:?}: use letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

impl Users {
    /// Opens the accounts under `data_dir`; makes sure an admin account exists.
    pub fn open(
        data_dir: &Path,
        admin_password: Option<&str>,
    ) -> std::io::Result<(Users, AdminPassword)> {
        let path = data_dir.join("users.json");
        let accounts = match store::load_json::<Vec<Account>>(&path) {
            Loaded::Found(accounts) => accounts,
            Loaded::Missing | Loaded::Corrupt(_) => Vec::new(),
        };
        let users = Users {
            path,
            accounts: Mutex::new(accounts),
        };
        let has_admin = users.lock().iter().any(|a| a.username == "admin");
        let outcome = match (admin_password, has_admin) {
            (Some(pw), _) => {
                users.put_admin(pw)?;
                AdminPassword::Given
            }
            (None, true) => AdminPassword::Stored,
            (None, false) => {
                let bytes: [u8; 12] = rand::random();
                let pw = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
                users.put_admin(&pw)?;
                AdminPassword::Generated(pw)
            }
        };
        Ok((users, outcome))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Account>> {
        self.accounts.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn put_admin(&self, password: &str) -> std::io::Result<()> {
        let hash = hash(password).map_err(std::io::Error::other)?;
        let mut accounts = self.lock();
        // Skip the write when the stored hash already matches: starts stay fast.
        if let Some(admin) = accounts.iter_mut().find(|a| a.username == "admin") {
            if verify(password, &admin.hash) {
                return Ok(());
            }
            admin.hash = hash;
            admin.active = true;
            if !admin.roles.iter().any(|r| r == "Admin") {
                admin.roles.push("Admin".into());
            }
        } else {
            accounts.push(Account {
                username: "admin".into(),
                roles: vec![
                    "Admin".into(),
                    "User".into(),
                    "Integrator".into(),
                    "Audit".into(),
                ],
                hash,
                active: true,
                passphrase_change_required: false,
            });
        }
        store::save_json(&self.path, &*accounts)
    }

    /// Checks a username and password; gives the caller identity on success.
    pub fn authenticate(&self, username: &str, password: &str) -> Option<Caller> {
        let account = self
            .lock()
            .iter()
            .find(|a| a.username == username && a.active)
            .cloned()?;
        verify(password, &account.hash).then(|| Caller {
            name: account.username.clone(),
            roles: account.role_set(),
        })
    }

    pub fn list(&self) -> Vec<Account> {
        self.lock().clone()
    }

    pub fn get(&self, username: &str) -> Option<Account> {
        self.lock().iter().find(|a| a.username == username).cloned()
    }

    /// Adds an account. Fails, changing nothing, if the name is taken or invalid.
    pub fn add(
        &self,
        username: &str,
        password: &str,
        roles: RoleSet,
        active: bool,
    ) -> Result<(), XapiError> {
        check_username(username)?;
        if roles.is_empty() {
            return Err(XapiError::command_failed(
                "An account needs at least one role",
            ));
        }
        let hash = hash(password)?;
        self.modify(|accounts| {
            if accounts.iter().any(|a| a.username == username) {
                return Err(XapiError::command_failed(format!(
                    "User {username} already exists"
                )));
            }
            accounts.push(Account {
                username: username.to_string(),
                roles: roles.names().into_iter().map(str::to_string).collect(),
                hash,
                active,
                passphrase_change_required: false,
            });
            Ok(())
        })
    }

    /// Deletes an account; the last admin cannot be deleted.
    pub fn delete(&self, username: &str) -> Result<(), XapiError> {
        self.modify(|accounts| {
            let pos = accounts
                .iter()
                .position(|a| a.username == username)
                .ok_or_else(|| XapiError::command_failed(format!("No user {username}")))?;
            let admins = accounts
                .iter()
                .filter(|a| a.role_set().contains(Role::Admin) && a.active)
                .count();
            if accounts[pos].role_set().contains(Role::Admin) && admins <= 1 {
                return Err(XapiError::command_failed(
                    "Cannot delete the last admin account",
                ));
            }
            accounts.remove(pos);
            Ok(())
        })
    }

    /// Sets an account's passphrase.
    pub fn set_passphrase(&self, username: &str, password: &str) -> Result<(), XapiError> {
        let hash = hash(password)?;
        self.modify(|accounts| {
            let account = accounts
                .iter_mut()
                .find(|a| a.username == username)
                .ok_or_else(|| XapiError::command_failed(format!("No user {username}")))?;
            account.hash = hash;
            account.passphrase_change_required = false;
            Ok(())
        })
    }

    /// Applies a change to a copy, stores it, and only then makes it current.
    fn modify(
        &self,
        change: impl FnOnce(&mut Vec<Account>) -> Result<(), XapiError>,
    ) -> Result<(), XapiError> {
        let mut accounts = self.lock();
        let mut next = accounts.clone();
        change(&mut next)?;
        store::save_json(&self.path, &next)
            .map_err(|e| XapiError::internal(format!("could not store accounts: {e}")))?;
        *accounts = next;
        Ok(())
    }
}

fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_survive_a_restart_and_store_no_plain_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let (users, outcome) = Users::open(dir.path(), None).unwrap();
        let AdminPassword::Generated(pw) = outcome else {
            panic!("expected a generated password")
        };
        assert!(users.authenticate("admin", &pw).is_some());
        users
            .add("alice", "Secret-123", RoleSet::of(&[Role::User]), true)
            .unwrap();
        assert!(
            users
                .add("alice", "x", RoleSet::of(&[Role::User]), true)
                .is_err()
        );
        drop(users);
        let stored = std::fs::read_to_string(dir.path().join("users.json")).unwrap();
        assert!(!stored.contains("Secret-123") && !stored.contains(&pw));
        let (users, outcome) = Users::open(dir.path(), None).unwrap();
        assert!(matches!(outcome, AdminPassword::Stored));
        let alice = users.authenticate("alice", "Secret-123").unwrap();
        assert!(alice.roles.contains(Role::User) && !alice.roles.contains(Role::Admin));
        assert!(users.authenticate("alice", "wrong").is_none());
        assert!(users.delete("admin").is_err(), "the last admin stays");
    }
}
