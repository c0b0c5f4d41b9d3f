//! `roomd macro push FILE [--activate]` and `roomd macro logs NAME [--follow]`.

use std::path::Path;

use serde_json::{Value as Json, json};

use crate::remote::client::Client;

/// Where and as whom to connect.
pub struct Target {
    pub url: String,
    pub user: String,
    pub password: String,
}

impl Target {
    async fn connect(&self) -> Result<Client, String> {
        Client::connect(&self.url, &self.user, &self.password).await
    }
}

/// Saves a macro file on the device (named after the file unless `name` is given).
pub async fn push(
    target: &Target,
    file: &Path,
    name: Option<&str>,
    activate: bool,
) -> Result<(), String> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let name = match name {
        Some(n) => n.to_string(),
        None => file
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| format!("cannot make a macro name from {}", file.display()))?
            .to_string(),
    };
    let mut client = target.connect().await?;
    client
        .call(
            "xCommand/Macros/Macro/Save",
            json!({"Name": name, "body": source}),
        )
        .await?;
    println!("saved macro {name} ({} bytes)", source.len());
    if activate {
        client
            .call("xCommand/Macros/Macro/Activate", json!({"Name": name}))
            .await?;
        println!("activated macro {name}");
    }
    Ok(())
}

fn print_entry(entry: &Json) {
    println!(
        "{} {:5} {}",
        entry["Timestamp"].as_str().unwrap_or(""),
        entry["Level"].as_str().unwrap_or(""),
        entry["Message"].as_str().unwrap_or("")
    );
}

/// Prints a macro's log; with `follow`, keeps printing new lines until interrupted.
pub async fn logs(target: &Target, name: &str, follow: bool) -> Result<(), String> {
    let mut client = target.connect().await?;
    if follow {
        // Subscribe first, so nothing falls between the history and the live lines.
        client
            .call(
                "xFeedback/Subscribe",
                json!({"Query": ["Event", "Macros", "Log"]}),
            )
            .await?;
    }
    let history = client.call("xCommand/Macros/Log/Get", json!({})).await?;
    let mut last_offset = -1;
    for entry in history["Log"].as_array().into_iter().flatten() {
        last_offset = entry["Offset"].as_i64().unwrap_or(last_offset);
        if entry["Macro"] == name {
            print_entry(entry);
        }
    }
    if !follow {
        return Ok(());
    }
    loop {
        let params = client.feedback().await?;
        let entry = &params["Event"]["Macros"]["Log"];
        if entry["Macro"] == name && entry["Offset"].as_i64().unwrap_or(i64::MAX) > last_offset {
            print_entry(entry);
        }
    }
}
