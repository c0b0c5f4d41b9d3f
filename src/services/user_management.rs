//! `UserManagement User *`: the device's accounts, as the interface file describes them.

use std::sync::Arc;

use serde_json::{Map, Value as Json, json};

use crate::users::Users;
use crate::xapi::{Bus, RoleSet, XapiError};

fn account_json(account: &crate::users::Account) -> Json {
    json!({
        "Username": account.username,
        "Roles": account.roles,
        "Active": if account.active { "True" } else { "False" },
        "PassphraseChangeRequired": if account.passphrase_change_required { "True" } else { "False" },
    })
}

pub fn install(bus: &Arc<Bus>, users: &Arc<Users>) {
    let u = users.clone();
    bus.handle_sync("UserManagement User Add", move |inv| {
        let p = &inv.params;
        let names: Vec<String> = p.all("Role").iter().map(|r| r.to_string()).collect();
        u.add(
            &p.text("Username").unwrap_or_default(),
            &p.text("Passphrase").unwrap_or_default(),
            RoleSet::from_names(&names),
            p.text("Active").is_none_or(|a| a == "True"),
        )?;
        Ok(Map::new())
    });
    let u = users.clone();
    bus.handle_sync("UserManagement User Delete", move |inv| {
        u.delete(&inv.params.text("Username").unwrap_or_default())?;
        Ok(Map::new())
    });
    let u = users.clone();
    bus.handle_sync("UserManagement User List", move |inv| {
        let offset = inv.params.int("Offset").unwrap_or(0).max(0) as usize;
        let limit = match inv.params.int("Limit").unwrap_or(0) {
            0 => usize::MAX,
            n => n.max(0) as usize,
        };
        let list: Vec<Json> = u
            .list()
            .iter()
            .skip(offset)
            .take(limit)
            .map(account_json)
            .collect();
        let mut result = Map::new();
        result.insert("User".into(), Json::Array(list));
        Ok(result)
    });
    let u = users.clone();
    bus.handle_sync("UserManagement User Get", move |inv| {
        let name = inv.params.text("Username").unwrap_or_default();
        let account = u
            .get(&name)
            .ok_or_else(|| XapiError::command_failed(format!("No user {name}")))?;
        let Json::Object(map) = account_json(&account) else {
            unreachable!()
        };
        Ok(map)
    });
    let u = users.clone();
    bus.handle_sync("UserManagement User Passphrase Set", move |inv| {
        u.set_passphrase(
            &inv.params.text("Username").unwrap_or_default(),
            &inv.params.text("NewPassphrase").unwrap_or_default(),
        )?;
        Ok(Map::new())
    });
    let u = users.clone();
    bus.handle_sync("UserManagement User Passphrase Change", move |inv| {
        let old = inv.params.text("OldPassphrase").unwrap_or_default();
        if u.authenticate(&inv.caller.name, &old).is_none() {
            return Err(XapiError::command_failed("The old passphrase is wrong"));
        }
        u.set_passphrase(
            &inv.caller.name,
            &inv.params.text("NewPassphrase").unwrap_or_default(),
        )?;
        Ok(Map::new())
    });
}
