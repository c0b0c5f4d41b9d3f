//! Assembles a device for a board: the schema, the bus, durable state, the services, and the
//! servers that let clients in.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::board::BoardDescription;
use crate::clock::Clock;
use crate::macro_runtime::supervisor::{HostSettings, Supervisor};
use crate::services::{self, system_unit::BootAction};
use crate::store::{self, Loaded};
use crate::users::{AdminPassword, Users};
use crate::xapi::{Bus, Limits, Schema};

/// How to start a device (the `roomd run` flags).
#[derive(Clone, Debug)]
pub struct Options {
    pub board: PathBuf,
    pub data: PathBuf,
    pub listen: IpAddr,
    pub http_port: u16,
    pub sip_port: u16,
    /// TCP port of the text API (the RoomOS shell); `None` keeps it closed, 0 picks one.
    pub text_port: Option<u16>,
    pub admin_password: Option<String>,
    /// The program run as `<program> macro-host` for each macro (default: this executable).
    pub macro_host: Option<PathBuf>,
}

/// A device, assembled and its services running.
pub struct Device {
    pub bus: Arc<Bus>,
    pub users: Arc<Users>,
    pub board: BoardDescription,
    pub admin_password: AdminPassword,
    pub macros: Arc<Supervisor>,
    calls: Arc<crate::call::service::Calls>,
    boot: mpsc::Receiver<BootAction>,
}

impl Device {
    /// Builds the device and starts its services. Call inside a tokio runtime.
    pub fn build(options: &Options, clock: Arc<Clock>) -> Result<Device, String> {
        let board = BoardDescription::load(&options.board)?;
        let mut schema = Schema::embedded(&board.product, &board.schema_extensions)?;
        for (path, value) in &board.defaults {
            schema
                .set_default(path, value)
                .map_err(|e| format!("board {}: {e}", board.name))?;
        }
        std::fs::create_dir_all(&options.data)
            .map_err(|e| format!("cannot create data dir {}: {e}", options.data.display()))?;
        let bus = Bus::new(Arc::new(schema), clock, Limits::default());

        let config_path = options.data.join("config.json");
        let stored = match store::load_json::<BTreeMap<String, String>>(&config_path) {
            Loaded::Found(map) => map,
            Loaded::Missing | Loaded::Corrupt(_) => BTreeMap::new(),
        };
        bus.attach_config_store(
            &stored,
            Box::new(move |overrides| store::save_json(&config_path, overrides)),
        );

        let (users, admin_password) = Users::open(&options.data, options.admin_password.as_deref())
            .map_err(|e| format!("cannot open the accounts: {e}"))?;
        let users = Arc::new(users);

        let (boot_tx, boot) = mpsc::channel(1);
        services::system_unit::install(&bus, &board, boot_tx);
        services::audio::install(&bus);
        services::standby::install(&bus);
        services::message::install(&bus);
        services::peripherals::install(&bus);
        services::user_interface::install(&bus);
        services::user_management::install(&bus, &users);
        services::http_client::install(&bus, &options.data, board.http_parallel);
        crate::ui::extensions::install(&bus, &options.data);
        crate::calendar::bookings::install(&bus, &options.data);
        let video = crate::video::install(&bus, &board);
        let video_loss = Arc::new(crate::call::media::runner::VideoLoss::default());
        if board.simulated {
            services::simulation::install(&bus, &video, video_loss.clone());
        } else {
            follow_hotplug(&board, &video);
        }
        let (pins, simulated_pins) = crate::board::gpio::for_board(&board);
        services::gpio::install(&bus, pins, simulated_pins);
        let calls = crate::call::service::install(
            &bus,
            board.max_calls,
            crate::call::media::manager::MediaSettings {
                source: board.audio_source.clone(),
                // The simulated board's loudspeaker is a WAV file per call.
                recordings: board.simulated.then(|| options.data.join("recordings")),
                // Its camera is a clip; other boards have no video encoder yet.
                video: board.simulated,
                video_loss,
            },
        );
        let program = match &options.macro_host {
            Some(p) => p.clone(),
            None => crate::macro_runtime::host_program()?,
        };
        let macros = crate::macro_runtime::install(
            &bus,
            &options.data,
            HostSettings {
                program,
                memory_cap: board.macro_memory_mb << 20,
                backoff: std::time::Duration::from_millis(500),
            },
            &board.macros_active,
        );
        Ok(Device {
            macros,
            calls,
            bus,
            users,
            board,
            admin_password,
            boot,
        })
    }

    /// Opens the servers, prints `listening <name> <addr>` for each, and runs until
    /// `SystemUnit Boot` or Ctrl-C. Returns what the device should do next.
    pub async fn run(mut self, options: &Options) -> Result<BootAction, String> {
        let http_addr = SocketAddr::new(options.listen, options.http_port);
        let listener = TcpListener::bind(http_addr)
            .await
            .map_err(|e| format!("cannot listen on {http_addr}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        announce("http", bound);
        let tls = self.sip_tls(options)?;
        let sip = crate::call::driver::Sockets::bind(options.listen, options.sip_port, tls)
            .await
            .map_err(|e| format!("cannot listen for SIP on port {}: {e}", options.sip_port))?;
        announce("sip-udp", sip.udp_addr().map_err(|e| e.to_string())?);
        announce("sip-tcp", sip.tcp_addr().map_err(|e| e.to_string())?);
        announce("sip-tls", sip.tls_addr().map_err(|e| e.to_string())?);
        self.calls.start(sip)?;
        if let Some(port) = options.text_port {
            let addr = SocketAddr::new(options.listen, port);
            let text = TcpListener::bind(addr)
                .await
                .map_err(|e| format!("cannot listen for the text API on {addr}: {e}"))?;
            announce("text", text.local_addr().map_err(|e| e.to_string())?);
            tokio::spawn(crate::textapi::server::serve_tcp(
                text,
                self.bus.clone(),
                self.users.clone(),
            ));
        }
        self.serve_serial();
        if let AdminPassword::Generated(pw) = &self.admin_password {
            println!("admin password {pw}");
            println!(
                "(generated at first start and shown only this once; only its hash is stored)"
            );
        }
        tracing::info!(
            "roomd on board {} ({}): xAPI at ws://{bound}/ws",
            self.board.name,
            self.board.product_platform
        );
        let app = crate::remote::App::new(self.bus.clone(), self.users.clone());
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(crate::remote::serve_http(listener, app, async {
            let _ = stop_rx.await;
        }));
        tokio::spawn(crate::firmware::health::report_when_healthy(
            self.macros.clone(),
            self.board.macros_active.clone(),
        ));
        let action = tokio::select! {
            a = self.boot.recv() => a.unwrap_or(BootAction::Shutdown),
            _ = tokio::signal::ctrl_c() => BootAction::Shutdown,
        };
        // Give the answer to `SystemUnit Boot` time to leave.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let _ = stop_tx.send(());
        let _ = tokio::time::timeout(std::time::Duration::from_secs(3), server).await;
        Ok(action)
    }
}

impl Device {
    /// The text API on the control serial port: the board's `control` port, or on the
    /// simulated board a pseudo-terminal whose path is announced (`listening serial ...`).
    fn serve_serial(&self) {
        use crate::textapi::serial::{self, Cable};
        let cable = if self.board.simulated {
            match serial::open_pty() {
                Ok((cable, path)) => {
                    announce("serial", path);
                    cable
                }
                Err(e) => {
                    tracing::warn!("no simulated serial port: {e}");
                    return;
                }
            }
        } else {
            match self.board.serial.iter().find(|p| p.name == "control") {
                Some(port) => Cable::Port(port.clone()),
                None => return,
            }
        };
        tokio::spawn(serial::serve(cable, self.bus.clone(), self.users.clone()));
    }

    /// The SIP TLS identity under `<data>/sip-tls`, made at first start for the SIP domain,
    /// following `SIP TlsVerify` as it changes.
    fn sip_tls(&self, options: &Options) -> Result<Arc<crate::call::tls::Tls>, String> {
        use crate::call::{settings, tls};
        let name = settings::sip_domain(&self.bus).unwrap_or_else(|| tls::DEFAULT_NAME.into());
        let bus = self.bus.clone();
        let verify: tls::VerifyPolicy = Box::new(move || settings::tls_verify(&bus));
        let dir = options.data.join("sip-tls");
        tls::Tls::open(&dir, &name, options.listen, verify)
            .map(Arc::new)
            .map_err(|e| format!("cannot set up SIP over TLS: {e}"))
    }
}

/// On a real board, the outputs with a DRM connector follow its hotplug state and EDID.
fn follow_hotplug(board: &BoardDescription, video: &Arc<crate::video::Video>) {
    use crate::board::hotplug::{DRM_ROOT, DrmConnector};
    use crate::video::connected::{Watched, follow};
    let outputs: Vec<Watched> = board
        .outputs
        .iter()
        .filter_map(|o| {
            let drm = o.drm.as_deref()?;
            let port = Arc::new(DrmConnector::new(std::path::Path::new(DRM_ROOT), drm));
            Some(Watched::new(o.connector, port))
        })
        .collect();
    if !outputs.is_empty() {
        tokio::spawn(follow(video.clone(), outputs));
    }
}

/// The start-up line scripts read: `listening http 127.0.0.1:8080`.
fn announce(name: &str, addr: impl std::fmt::Display) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening {name} {addr}");
    let _ = out.flush();
}
