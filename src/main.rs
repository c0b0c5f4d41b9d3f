//! The `roomd` command: `roomd run` starts the device (also the default with no command).

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use roomd::clock::Clock;
use roomd::device::{Device, Options};
use roomd::services::system_unit::BootAction;

#[derive(Parser)]
#[command(
    name = "roomd",
    version,
    about = "The runtime of a video-conferencing room device"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the device.
    Run(RunArgs),
    /// Manage the macros of a running roomd.
    Macro {
        #[command(subcommand)]
        action: MacroAction,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Build, check and install firmware images; boot from A/B slots.
    Firmware {
        #[command(subcommand)]
        action: roomd::cli::firmware::Action,
    },
    /// Run one macro (started by roomd itself; speaks JSON-RPC on stdin/stdout).
    #[command(hide = true)]
    MacroHost,
}

#[derive(Subcommand)]
enum MacroAction {
    /// Save a macro file on the device, named after the file.
    Push {
        file: PathBuf,
        /// The macro's name (default: the file name without .js).
        #[arg(long)]
        name: Option<String>,
        /// Activate it after saving.
        #[arg(long)]
        activate: bool,
    },
    /// Print a macro's log.
    Logs {
        name: String,
        /// Keep printing new lines.
        #[arg(long, short)]
        follow: bool,
    },
}

/// Which roomd to talk to, and as whom.
#[derive(clap::Args)]
struct TargetArgs {
    /// The xAPI WebSocket of the device.
    #[arg(long, global = true, default_value = "ws://127.0.0.1:8080/ws")]
    url: String,
    #[arg(long, global = true, default_value = "admin")]
    user: String,
    #[arg(
        long,
        global = true,
        env = "ROOMD_PASSWORD",
        hide_env_values = true,
        default_value = ""
    )]
    password: String,
}

#[derive(clap::Args, Clone)]
struct RunArgs {
    /// Board description (TOML), or a built-in board's name (`room-bar`). Without it: the
    /// board whose `compatible` matches the device tree, else the simulated board.
    #[arg(long)]
    board: Option<PathBuf>,
    /// Where configuration, accounts and macros are stored.
    #[arg(long, default_value = "var")]
    data: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    listen: IpAddr,
    /// HTTP port (xAPI WebSocket at /ws); 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    http_port: u16,
    /// SIP port for UDP and TCP (TLS on the next port); 0 picks a free one.
    #[arg(long, default_value_t = 5060)]
    sip_port: u16,
    /// TCP port of the text API (the RoomOS shell, for control systems); closed unless
    /// given, 0 picks a free one.
    #[arg(long)]
    text_port: Option<u16>,
    /// The admin password; without it, one is generated at first start and printed once.
    #[arg(long, env = "ROOMD_ADMIN_PASSWORD", hide_env_values = true)]
    admin_password: Option<String>,
    /// The firmware slots root, for `SystemUnit SoftwareUpgrade` (set by `roomd firmware boot`).
    #[arg(long, env = "ROOMD_FIRMWARE_ROOT")]
    firmware_root: Option<PathBuf>,
    /// The public key firmware images must be signed with.
    #[arg(long, env = "ROOMD_FIRMWARE_KEY")]
    firmware_key: Option<PathBuf>,
}

// Macro host processes cap their heap with it; roomd itself runs uncapped.
#[global_allocator]
static ALLOCATOR: roomd::alloc_cap::CappedAllocator = roomd::alloc_cap::CappedAllocator;

fn main() {
    if std::env::args().nth(1).as_deref() == Some("macro-host") {
        std::process::exit(roomd::macro_runtime::host::main());
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = match Cli::parse().command {
        Some(Command::Run(args)) => args,
        Some(Command::Macro { action, target }) => std::process::exit(macro_tool(action, target)),
        Some(Command::Firmware { action }) => {
            std::process::exit(roomd::cli::firmware::main(action))
        }
        Some(Command::MacroHost) => unreachable!("handled above"),
        None => match Cli::parse_from(["roomd", "run"]).command {
            Some(Command::Run(args)) => args,
            _ => unreachable!("run was given"),
        },
    };
    let options = Options {
        board: roomd::board::board_path(
            args.board.clone(),
            std::path::Path::new(roomd::board::DEVICE_TREE_COMPATIBLE),
        ),
        data: args.data.clone(),
        listen: args.listen,
        http_port: args.http_port,
        sip_port: args.sip_port,
        text_port: args.text_port,
        admin_password: args.admin_password.clone(),
        macro_host: None,
    };
    let firmware = match upgrade_settings(&args) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("roomd: {e}");
            std::process::exit(1);
        }
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let outcome = runtime.block_on(async {
        let device = Device::build(&options, Arc::new(Clock::real()))?;
        roomd::firmware::upgrade::install(&device.bus, &device.board.name, firmware);
        device.run(&options).await
    });
    drop(runtime);
    match outcome {
        Ok(BootAction::Restart) => restart(),
        Ok(BootAction::Shutdown) => {}
        Err(e) => {
            eprintln!("roomd: {e}");
            std::process::exit(1);
        }
    }
}

/// `roomd macro ...`: a client of a running roomd.
fn macro_tool(action: MacroAction, target: TargetArgs) -> i32 {
    let target = roomd::cli::macros::Target {
        url: target.url,
        user: target.user,
        password: target.password,
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let outcome = runtime.block_on(async {
        match action {
            MacroAction::Push {
                file,
                name,
                activate,
            } => roomd::cli::macros::push(&target, &file, name.as_deref(), activate).await,
            MacroAction::Logs { name, follow } => {
                roomd::cli::macros::logs(&target, &name, follow).await
            }
        }
    });
    match outcome {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("roomd macro: {e}");
            1
        }
    }
}

/// The firmware slots and trusted key of `roomd run`, if it has slots.
fn upgrade_settings(
    args: &RunArgs,
) -> Result<Option<roomd::firmware::upgrade::UpgradeSettings>, String> {
    let Some(root) = args.firmware_root.clone() else {
        return Ok(None);
    };
    let key = args
        .firmware_key
        .as_deref()
        .map(roomd::firmware::sign::load_verifying_key)
        .transpose()?;
    Ok(Some(roomd::firmware::upgrade::UpgradeSettings {
        root,
        key,
    }))
}

/// `SystemUnit Boot`: start afresh as the same program with the same arguments. Under the
/// firmware launcher, exit instead and let it boot whichever slot is active now.
fn restart() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os(roomd::firmware::boot::LAUNCHER_ENV).is_some() {
        tracing::info!("rebooting through the firmware launcher");
        std::process::exit(roomd::firmware::boot::REBOOT_EXIT_CODE);
    }
    tracing::info!("restarting");
    let exe = std::env::current_exe().expect("own executable");
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .exec();
    eprintln!("roomd: restart failed: {err}");
    std::process::exit(1);
}
