//! `roomd firmware build|inspect|verify|install|status|rollback|boot|keygen`: the command line
//! of [`crate::firmware`]. Each prints one short line per fact, so scripts can read it, and
//! every refusal is one `roomd firmware: …` line on stderr with exit code 1.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Subcommand;

use crate::firmware::boot::{BootState, Slot};
use crate::firmware::bundle::{self, Payload, Recipe};
use crate::firmware::launcher::{self, LaunchOptions};
use crate::firmware::manifest::{self, Manifest, ROOMD};
use crate::firmware::slots::{InstallOptions, Slots};
use crate::firmware::verify::{self, Trust};
use crate::firmware::version::Version;
use crate::firmware::{boot, sign};

#[derive(Subcommand)]
pub enum Action {
    /// Build and sign an image: roomd, the board's file and the shipped macros.
    Build {
        #[arg(long)]
        board: String,
        #[arg(long)]
        version: String,
        /// The signing key (PKCS#8 PEM or hex).
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// The roomd program to pack (default: this one).
        #[arg(long)]
        bin: Option<PathBuf>,
        /// Where `<board>.toml` is.
        #[arg(long, default_value = "boards")]
        boards: PathBuf,
        /// Where the shipped `*.js` macros are.
        #[arg(long, default_value = "macros")]
        macros: PathBuf,
        /// Build time, RFC 3339 (default: now, or SOURCE_DATE_EPOCH when set).
        #[arg(long)]
        built: Option<String>,
    },
    /// Print an image's manifest (the signature is not checked: use verify).
    Inspect { image: PathBuf },
    /// Check an image's signature, board, version and files without installing it.
    Verify {
        image: PathBuf,
        /// The trusted public key (SPKI PEM or hex).
        #[arg(long)]
        key: PathBuf,
        /// This device's board.
        #[arg(long)]
        board: String,
        /// The version running now (default: this roomd's).
        #[arg(long)]
        running: Option<String>,
        /// Accept an older version.
        #[arg(long)]
        force: bool,
    },
    /// Verify an image and write it into the inactive slot, to be tried at the next boot.
    Install {
        image: PathBuf,
        /// The slots root (holds boot.json and slots/).
        #[arg(long)]
        root: PathBuf,
        #[arg(long)]
        key: PathBuf,
        /// This device's board (default: the installed one's).
        #[arg(long)]
        board: Option<String>,
        #[arg(long)]
        force: bool,
        /// Boots the new slot gets to report healthy before the device rolls back.
        #[arg(long, default_value_t = boot::DEFAULT_TRIES)]
        tries: u32,
    },
    /// Show the slots and which boots next.
    Status {
        #[arg(long)]
        root: PathBuf,
    },
    /// Boot the previous good slot next.
    Rollback {
        #[arg(long)]
        root: PathBuf,
    },
    /// Start roomd from the active slot, commit it when healthy, roll back when not.
    Boot {
        #[arg(long)]
        root: PathBuf,
        /// Seconds a started slot has to report healthy.
        #[arg(long, default_value_t = 60.0)]
        health_timeout: f64,
        /// Arguments for `roomd run`.
        #[arg(last = true)]
        run_args: Vec<OsString>,
    },
    /// Make a development key pair in a directory (never commit it).
    Keygen { out_dir: PathBuf },
}

/// Runs a firmware command; returns the process exit code.
pub fn main(action: Action) -> i32 {
    match run(action) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("roomd firmware: {e}");
            1
        }
    }
}

fn run(action: Action) -> Result<i32, String> {
    match action {
        Action::Build {
            board,
            version,
            key,
            out,
            bin,
            boards,
            macros,
            built,
        } => {
            let bin = match bin {
                Some(bin) => bin,
                None => std::env::current_exe().map_err(|e| e.to_string())?,
            };
            let recipe = recipe(board, version, built, &bin, &boards, &macros)?;
            let key = sign::load_signing_key(&key)?;
            let manifest = bundle::build(&recipe, &key, &out)?;
            let size = fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            println!(
                "built {} ({} for board {}, {} files, {size} bytes)",
                out.display(),
                manifest.version,
                manifest.board,
                manifest.files.len()
            );
        }
        Action::Inspect { image } => print_manifest(&inspect(&image)?),
        Action::Verify {
            image,
            key,
            board,
            running,
            force,
        } => {
            let key = sign::load_verifying_key(&key)?;
            let running = Version::parse(running.as_deref().unwrap_or(env!("CARGO_PKG_VERSION")))?;
            let trust = Trust {
                key: &key,
                board: &board,
                running: Some(&running),
                force,
            };
            let started = Instant::now();
            let m = verify::verify_file(&image, &trust)?;
            println!(
                "verified {} for board {}: {} files, {} bytes, in {} ms",
                m.version,
                m.board,
                m.files.len(),
                m.total_size(),
                started.elapsed().as_millis()
            );
        }
        Action::Install {
            image,
            root,
            key,
            board,
            force,
            tries,
        } => {
            let key = sign::load_verifying_key(&key)?;
            let options = InstallOptions {
                key: &key,
                board: board.as_deref(),
                force,
                tries,
            };
            let started = Instant::now();
            let done = Slots::new(&root).install(&image, &options, &mut |_, _| {})?;
            println!(
                "installed {} into slot {} in {} ms; it is tried at the next boot",
                done.manifest.version,
                done.slot.name(),
                started.elapsed().as_millis()
            );
        }
        Action::Status { root } => match Slots::new(&root).load()? {
            Some(state) => print_status(&state),
            None => println!("no firmware installed under {}", root.display()),
        },
        Action::Rollback { root } => {
            let slots = Slots::new(&root);
            let state = slots.load()?.ok_or("no firmware installed")?;
            let next = boot::rollback(&state)?;
            slots.save(&next)?;
            println!("the next boot starts {}", describe(&next, next.active));
        }
        Action::Boot {
            root,
            health_timeout,
            run_args,
        } => {
            let options = LaunchOptions {
                root,
                run_args,
                health_timeout: Duration::from_secs_f64(health_timeout.max(0.1)),
            };
            return launcher::run(&options);
        }
        Action::Keygen { out_dir } => keygen(&out_dir)?,
    }
    Ok(0)
}

/// What `build` packs: roomd, `boards/<board>.toml`, `macros/*.js`.
fn recipe(
    board: String,
    version: String,
    built: Option<String>,
    bin: &Path,
    boards: &Path,
    macros: &Path,
) -> Result<Recipe, String> {
    manifest::check_board_name(&board)?;
    Version::parse(&version)?;
    let board_file = boards.join(format!("{board}.toml"));
    let text = fs::read_to_string(&board_file)
        .map_err(|e| format!("cannot read board file {}: {e}", board_file.display()))?;
    crate::board::BoardDescription::parse(&text)
        .map_err(|e| format!("board file {}: {e}", board_file.display()))?;
    let mut files = vec![
        Payload {
            source: bin.to_path_buf(),
            path: ROOMD.into(),
            executable: true,
        },
        Payload {
            source: board_file,
            path: format!("boards/{board}.toml"),
            executable: false,
        },
    ];
    let mut scripts: Vec<PathBuf> = fs::read_dir(macros)
        .map_err(|e| format!("cannot read macros dir {}: {e}", macros.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "js"))
        .collect();
    scripts.sort();
    for source in scripts {
        let name = source.file_name().and_then(|n| n.to_str()).unwrap_or("");
        files.push(Payload {
            path: format!("macros/{name}"),
            source: source.clone(),
            executable: false,
        });
    }
    Ok(Recipe {
        board,
        version,
        built: built.unwrap_or_else(build_time),
        files,
    })
}

/// Now, or `SOURCE_DATE_EPOCH` for reproducible images.
fn build_time() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The manifest of an image, its signature unchecked, its files' presence checked.
fn inspect(image: &Path) -> Result<Manifest, String> {
    let file =
        fs::File::open(image).map_err(|e| format!("cannot open {}: {e}", image.display()))?;
    let mut sizes = Vec::new();
    let manifest = bundle::read(
        std::io::BufReader::new(file),
        |head| Manifest::parse(&String::from_utf8_lossy(&head.manifest)),
        |_, path, size, _| {
            sizes.push((path.to_string(), size));
            Ok(())
        },
    )?;
    for f in &manifest.files {
        if !sizes.iter().any(|(p, s)| *p == f.path && *s == f.size) {
            return Err(format!(
                "file {} of the manifest is missing or resized",
                f.path
            ));
        }
    }
    Ok(manifest)
}

fn print_manifest(m: &Manifest) {
    println!("board {}", m.board);
    println!("version {}", m.version);
    println!("built {}", m.built);
    for f in &m.files {
        let x = if f.executable { " executable" } else { "" };
        println!("file {} {} sha256:{}{x}", f.path, f.size, f.sha256);
    }
    println!("signature not checked (use roomd firmware verify)");
}

fn describe(state: &BootState, slot: Slot) -> String {
    match state.slot(slot) {
        Some(info) => format!("slot {} ({} for {})", slot.name(), info.version, info.board),
        None => format!("slot {} (empty)", slot.name()),
    }
}

fn print_status(state: &BootState) {
    for slot in [Slot::A, Slot::B] {
        let (version, how) = match state.slot(slot) {
            Some(info) => (
                info.version.as_str(),
                format!("{:?}", info.state).to_lowercase(),
            ),
            None => ("-", "empty".to_string()),
        };
        let mark = if slot == state.active { " active" } else { "" };
        println!("slot {} {version} {how}{mark}", slot.name());
    }
    println!("tries-left {}", state.tries_left);
    if let Some(previous) = state.previous {
        println!("previous {}", previous.name());
    }
    if let Some(why) = &state.last_rollback {
        println!("last-rollback {why}");
    }
}

fn keygen(dir: &Path) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let key = sign::generate();
    let private = dir.join("firmware-signing-key.pem");
    let public = dir.join("firmware-signing-key.pub.pem");
    for (path, text, mode) in [
        (&private, sign::private_pem(&key), 0o600),
        (&public, sign::public_pem(&key.verifying_key()), 0o644),
    ] {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(path)
            .map_err(|e| format!("cannot create {} (not overwritten): {e}", path.display()))?;
        file.write_all(text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("private key {}", private.display());
    println!("public key {}", public.display());
    Ok(())
}
