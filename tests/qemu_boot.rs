//! The aarch64 build boots as firmware: an image from `scripts/qemu-boot` (Debian's arm64
//! kernel, a busybox /init, roomd cross-built by `scripts/build-aarch64`) runs under
//! `qemu-system-aarch64 -M virt`, and roomd answers the xAPI from inside the emulated board
//! over QEMU's user-mode network, with a port forwarded from the host.
//!
//! Runs only when `ROOMD_QEMU_IMAGE` names the image directory (`scripts/qemu-boot --test`
//! sets it), so a plain `cargo test` stays fast and needs no QEMU.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Client;
use serde_json::json;

const PASSWORD: &str = "qemu-test-admin";
/// From starting QEMU to roomd's first xAPI answer (the acceptance limit).
const LIMIT: Duration = Duration::from_secs(20);

/// QEMU, ended when the test ends however it ends.
struct Qemu(Child);

impl Drop for Qemu {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A console line and when the host saw it.
struct Line {
    at: Duration,
    text: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The guest uptime in `roomd-init: ... at uptime 1.23` or `[1.23] listening ...`.
fn uptime_in(text: &str) -> Option<f64> {
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split(']').next()?.trim().parse().ok();
    }
    text.rsplit("uptime ").next()?.trim().parse().ok()
}

#[tokio::test]
async fn roomd_boots_on_the_emulated_board_and_answers_the_xapi() {
    let Some(image) = std::env::var_os("ROOMD_QEMU_IMAGE").map(PathBuf::from) else {
        eprintln!("skipped: ROOMD_QEMU_IMAGE is not set (scripts/qemu-boot --test sets it)");
        return;
    };
    let board = std::fs::read_to_string(image.join("board"))
        .expect("the image names its board")
        .trim()
        .to_string();
    let description = roomd::board::BoardDescription::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("boards/{board}.toml")),
    )
    .expect("the image's board is one of boards/");
    let port = free_port();

    let started = Instant::now();
    let mut qemu = Qemu(
        Command::new("qemu-system-aarch64")
            .args(["-M", "virt", "-cpu", "cortex-a57", "-smp", "2", "-m", "512"])
            .args(["-nographic", "-no-reboot"])
            .arg("-kernel")
            .arg(image.join("vmlinuz"))
            .arg("-initrd")
            .arg(image.join("initrd.gz"))
            .args([
                "-append",
                &format!("console=ttyAMA0 panic=-1 quiet ROOMD_ADMIN_PASSWORD={PASSWORD}"),
            ])
            .args([
                "-netdev",
                &format!("user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:8080"),
            ])
            .args(["-device", "virtio-net-device,netdev=n0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start qemu-system-aarch64"),
    );

    // The serial console: echoed with the host's time, kept in console.log, and passed on.
    let console = qemu.0.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel::<Line>();
    let log_path = image.join("console.log");
    std::thread::spawn(move || {
        let mut log = std::fs::File::create(log_path).ok();
        for text in BufReader::new(console).lines().map_while(Result::ok) {
            let at = started.elapsed();
            let text = text.trim_end_matches('\r').to_string();
            eprintln!("[host {:6.2}] {text}", at.as_secs_f64());
            if let Some(log) = log.as_mut() {
                let _ = writeln!(log, "[host {:6.2}] {text}", at.as_secs_f64());
            }
            if tx.send(Line { at, text }).is_err() {
                break;
            }
        }
    });

    // Until roomd answers: QEMU accepts the forwarded port at once, but the WebSocket
    // handshake only completes once roomd listens in the guest.
    let url = format!("ws://127.0.0.1:{port}/ws");
    let (mut client, platform) = loop {
        assert!(
            started.elapsed() < LIMIT,
            "roomd did not answer within {LIMIT:?} of starting QEMU (console in {})",
            image.join("console.log").display()
        );
        if let Ok(Some(status)) = qemu.0.try_wait() {
            panic!("QEMU ended ({status}) before roomd answered");
        }
        let attempt = tokio::time::timeout(Duration::from_secs(2), async {
            let mut client = Client::connect(&url, "admin", PASSWORD).await?;
            let reply = client
                .call(
                    "xGet",
                    json!({"Path": ["Status", "SystemUnit", "ProductPlatform"]}),
                )
                .await;
            Ok::<_, String>((client, reply))
        })
        .await;
        match attempt {
            Ok(Ok((client, reply))) => break (client, reply),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    let ready = started.elapsed();
    assert_eq!(
        platform["result"],
        json!(description.product_platform),
        "xGet Status SystemUnit ProductPlatform: {platform}"
    );

    // A GPIO pin, read by roomd from the board. On qemu-virt-aarch64 pin 1 is PL061 line 4;
    // with nothing attached, QEMU 7.2's virt machine has no pull-ups on it and the line reads
    // 0 (measured through the guest kernel's sysfs), so Low. The simulated board's pins idle
    // High.
    let gpio = client
        .call(
            "xGet",
            json!({"Path": ["Status", "GPIO", "Pin", 1, "State"]}),
        )
        .await;
    let expected = match board.as_str() {
        "qemu-virt-aarch64" => vec!["Low"],
        "sim" => vec!["High"],
        _ => vec!["High", "Low"],
    };
    assert!(
        expected.iter().any(|e| gpio["result"] == json!(e)),
        "Status GPIO Pin 1 State on {board}: {gpio}, expected {expected:?}"
    );

    // The figures: when init started (by the host's clock, and the guest's uptime) and when
    // roomd announced its HTTP port (guest uptime), against the first xAPI answer.
    std::thread::sleep(Duration::from_millis(200));
    let seen: Vec<Line> = lines.try_iter().collect();
    let init = seen
        .iter()
        .find(|l| l.text.contains("roomd-init: init started"))
        .expect("the console shows init starting");
    let init_uptime = uptime_in(&init.text).expect("init printed its uptime");
    let listening_uptime = seen
        .iter()
        .find(|l| l.text.contains("listening http "))
        .and_then(|l| uptime_in(&l.text));
    let figures = format!(
        "board: {board}\n\
         QEMU start -> init (host clock): {:.2} s (guest uptime at init {init_uptime:.2} s)\n\
         init -> roomd listening (guest uptime): {}\n\
         init -> first xAPI answer (host clock): {:.2} s\n\
         QEMU start -> first xAPI answer (host clock): {:.2} s\n",
        init.at.as_secs_f64(),
        listening_uptime
            .map(|u| format!("{:.2} s", u - init_uptime))
            .unwrap_or_else(|| "not seen".into()),
        (ready - init.at).as_secs_f64(),
        ready.as_secs_f64(),
    );
    println!("{figures}");
    let _ = std::fs::write(image.join("figures.txt"), &figures);
}
