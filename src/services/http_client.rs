//! `HttpClient Get/Post/Put/Patch/Delete`: outbound HTTP for macros and integrations, as on
//! RoomOS (`HttpClient Mode`, `AllowHTTP`, `AllowInsecureHTTPS`, the host allow-list,
//! `ResultBody`, `Timeout`, non-2xx answered as an error carrying `StatusCode`), with a real
//! HTTP client. Unlike RoomOS, several requests may run at once, up to a limit.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use reqwest::{Client, ClientBuilder, Method, Url};
use serde_json::{Map, Value as Json, json};
use tokio::sync::Semaphore;

use crate::store::{self, Loaded};
use crate::xapi::{Bus, Invocation, XapiError};

/// Host expressions the allow-list holds at most (`Id` is 0..9).
const MAX_ALLOWED: usize = 10;

struct HttpClient {
    bus: Arc<Bus>,
    strict: Client,
    insecure: Client,
    permits: Arc<Semaphore>,
    allow: Mutex<Vec<String>>,
    allow_path: PathBuf,
}

fn failed(reason: impl Into<String>) -> XapiError {
    XapiError::command_failed(reason)
}

fn config_is(bus: &Bus, path: &str, want: &str) -> bool {
    bus.config(path).is_some_and(|v| v.to_string() == want)
}

impl HttpClient {
    fn allow_list(&self) -> Vec<String> {
        self.allow.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set_allow_list(&self, list: Vec<String>) -> Result<(), XapiError> {
        store::save_json(&self.allow_path, &list)
            .map_err(|e| XapiError::internal(format!("could not store the allow-list: {e}")))?;
        *self.allow.lock().unwrap_or_else(|e| e.into_inner()) = list;
        Ok(())
    }

    /// Checks a request against the configuration and the allow-list before anything is sent.
    fn check(&self, url: &str, insecure: bool) -> Result<Url, XapiError> {
        if !config_is(&self.bus, "HttpClient Mode", "On") {
            return Err(failed(
                "HttpClient is disabled: set Configuration HttpClient Mode to On",
            ));
        }
        let url = Url::parse(url).map_err(|_| failed("Invalid URL specified"))?;
        match url.scheme() {
            "https" => {}
            "http" if config_is(&self.bus, "HttpClient AllowHTTP", "True") => {}
            "http" => {
                return Err(failed(
                    "HTTP is not allowed (HttpClient AllowHTTP is False)",
                ));
            }
            _ => return Err(failed("Invalid URL specified")),
        }
        if insecure && !config_is(&self.bus, "HttpClient AllowInsecureHTTPS", "True") {
            return Err(failed(
                "Insecure HTTPS is not allowed (HttpClient AllowInsecureHTTPS is False)",
            ));
        }
        let host = url.host_str().unwrap_or("");
        let allowed = self.allow_list();
        let matches = |expr: &String| {
            regex::Regex::new(&format!("^(?:{expr})$")).is_ok_and(|re| re.is_match(host))
        };
        if !allowed.is_empty() && !allowed.iter().any(matches) {
            return Err(failed(format!(
                "Host {host} is not in the HttpClient allow-list"
            )));
        }
        Ok(url)
    }

    async fn request(
        &self,
        method: Method,
        inv: Invocation,
    ) -> Result<Map<String, Json>, XapiError> {
        let p = &inv.params;
        let insecure = p.text("AllowInsecureHTTPS").is_some_and(|v| v == "True");
        let url = self.check(&p.text("Url").unwrap_or_default(), insecure)?;
        let _permit = self
            .permits
            .clone()
            .try_acquire_owned()
            .map_err(|_| failed("No available http connections"))?;
        let client = if insecure {
            &self.insecure
        } else {
            &self.strict
        };
        let timeout = Duration::from_secs(p.int("Timeout").unwrap_or(30).clamp(1, 30) as u64);
        let mut request = client.request(method, url).timeout(timeout);
        for header in p.all("Header") {
            let header = header.to_string();
            let (name, value) = header
                .split_once(':')
                .ok_or_else(|| failed(format!("Invalid header {header:?}: use \"Name: value\"")))?;
            request = request.header(name.trim(), value.trim());
        }
        if let Some(body) = inv.body {
            request = request.body(body);
        }
        let mut response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                failed("Request timed out")
            } else {
                failed(format!("Request failed: {}", root_cause(&e)))
            }
        })?;
        let limit = p.int("ResponseSizeLimit").unwrap_or(1 << 20).max(1) as usize;
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| failed(format!("Reading the response failed: {}", root_cause(&e))))?
        {
            if body.len() + chunk.len() > limit {
                return Err(failed(format!(
                    "Response is larger than ResponseSizeLimit ({limit} bytes)"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        let status = response.status().as_u16();
        let headers: Vec<Json> = response
            .headers()
            .iter()
            .enumerate()
            .map(|(i, (k, v))| json!({"id": i + 1, "Key": k.as_str(), "Value": v.to_str().unwrap_or("")}))
            .collect();
        let mut result = Map::new();
        result.insert("StatusCode".into(), json!(status));
        result.insert("Headers".into(), Json::Array(headers));
        match p.text("ResultBody").as_deref() {
            Some("PlainText") => {
                result.insert("Body".into(), json!(String::from_utf8_lossy(&body)));
            }
            Some("Base64") => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(&body);
                result.insert("Body".into(), json!(encoded));
            }
            _ => {}
        }
        if !(200..300).contains(&status) {
            result.insert("status".into(), json!("Error"));
            result.insert("Message".into(), json!(format!("HTTP status {status}")));
            return Err(failed(format!("HTTP request failed with status {status}"))
                .with_data(Json::Object(result)));
        }
        Ok(result)
    }
}

/// The innermost error: reqwest's own message hides why a connection failed.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// An HTTP client that checks servers against the system's CA store or, where the system has
/// none (a device booted from a firmware image without `/etc/ssl`), against the public roots
/// built into roomd (webpki-roots, as SIP over TLS uses). `configure` sets everything else;
/// it is called again for the fallback.
pub fn build_client(configure: impl Fn(ClientBuilder) -> ClientBuilder) -> Client {
    // rustls needs one process-wide crypto provider; ring is pure enough to cross-build.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let system = match configure(Client::builder()).build() {
        Ok(client) => return client,
        Err(e) => e,
    };
    tracing::info!(
        "HTTP client: {}; using the built-in CA roots",
        root_cause(&system)
    );
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    configure(Client::builder())
        .tls_backend_preconfigured(tls)
        .build()
        .expect("HTTP client with the built-in CA roots")
}

pub fn install(bus: &Arc<Bus>, data_dir: &Path, parallel: usize) {
    let build = |insecure: bool| {
        build_client(|builder| {
            builder
                .tls_danger_accept_invalid_certs(insecure)
                .redirect(reqwest::redirect::Policy::limited(5))
        })
    };
    let allow_path = data_dir.join("http-allow.json");
    let allow = match store::load_json::<Vec<String>>(&allow_path) {
        Loaded::Found(list) => list,
        _ => Vec::new(),
    };
    let service = Arc::new(HttpClient {
        bus: bus.clone(),
        strict: build(false),
        insecure: build(true),
        permits: Arc::new(Semaphore::new(parallel.max(1))),
        allow: Mutex::new(allow),
        allow_path,
    });
    for (command, method) in [
        ("HttpClient Get", Method::GET),
        ("HttpClient Post", Method::POST),
        ("HttpClient Put", Method::PUT),
        ("HttpClient Patch", Method::PATCH),
        ("HttpClient Delete", Method::DELETE),
    ] {
        let s = service.clone();
        bus.handle(command, move |inv| {
            let (s, method) = (s.clone(), method.clone());
            async move { s.request(method, inv).await }
        });
    }
    let s = service.clone();
    bus.handle_sync("HttpClient Allow Hostname Add", move |inv| {
        let expression = inv.params.text("Expression").unwrap_or_default();
        regex::Regex::new(&expression)
            .map_err(|e| failed(format!("Invalid expression {expression:?}: {e}")))?;
        let mut list = s.allow_list();
        if list.len() >= MAX_ALLOWED {
            return Err(failed(format!(
                "The allow-list holds at most {MAX_ALLOWED} expressions"
            )));
        }
        list.push(expression);
        s.set_allow_list(list)?;
        Ok(Map::new())
    });
    let s = service.clone();
    bus.handle_sync("HttpClient Allow Hostname Clear", move |_| {
        s.set_allow_list(Vec::new())?;
        Ok(Map::new())
    });
    let s = service.clone();
    bus.handle_sync("HttpClient Allow Hostname List", move |_| {
        let entries: Vec<Json> = s
            .allow_list()
            .iter()
            .enumerate()
            .map(|(i, e)| json!({"id": i, "Expression": e}))
            .collect();
        let mut result = Map::new();
        result.insert("Expression".into(), Json::Array(entries));
        Ok(result)
    });
    let s = service;
    bus.handle_sync("HttpClient Allow Hostname Remove", move |inv| {
        let id = inv.params.int("Id").unwrap_or(-1);
        let mut list = s.allow_list();
        if id < 0 || id as usize >= list.len() {
            return Err(failed(format!("No allow-list entry with Id {id}")));
        }
        list.remove(id as usize);
        s.set_allow_list(list)?;
        Ok(Map::new())
    });
}
