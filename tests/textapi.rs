//! The text API as a control system uses it over TCP: log in, read status and configuration,
//! set a value, run a command (with a multiline body too), register feedback and see a
//! change made by another client, and get clear errors that change nothing.

mod common;

use std::time::Duration;

use common::{PASSWORD, Roomd};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

struct Shell {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Shell {
    async fn connect(roomd: &Roomd) -> Shell {
        let socket = TcpStream::connect(("127.0.0.1", roomd.text_port))
            .await
            .unwrap();
        let (r, w) = socket.into_split();
        Shell {
            reader: BufReader::new(r),
            writer: w,
        }
    }

    async fn send(&mut self, line: &str) {
        self.writer
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
    }

    /// Lines up to and including one for which `last` holds.
    async fn until(&mut self, last: impl Fn(&str) -> bool) -> Vec<String> {
        let mut lines = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let mut line = String::new();
                if self.reader.read_line(&mut line).await.unwrap() == 0 {
                    panic!("the session closed after {lines:?}");
                }
                let line = line.trim_end().to_string();
                let done = last(&line);
                lines.push(line);
                if done {
                    return;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no end line after {lines:?}"));
        lines
    }

    /// The answer to `line`: everything up to `OK` or `ERROR`.
    async fn ask(&mut self, line: &str) -> Vec<String> {
        self.send(line).await;
        self.until(|l| l == "OK" || l == "ERROR").await
    }

    async fn login(roomd: &Roomd, user: &str, password: &str) -> Shell {
        let mut shell = Shell::connect(roomd).await;
        shell.send(user).await;
        shell.send(password).await;
        let banner = shell.until(|l| l == "OK").await;
        assert!(
            banner.iter().any(|l| l == "*r Login successful"),
            "{banner:?}"
        );
        shell
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_control_system_reads_sets_commands_and_follows_feedback() {
    let roomd = Roomd::start();
    let mut shell = Shell::login(&roomd, "admin", PASSWORD).await;

    let platform = shell.ask("xStatus SystemUnit ProductPlatform").await;
    assert_eq!(
        platform,
        [
            "*s SystemUnit ProductPlatform: \"Codec Pro\"",
            "** end",
            "",
            "OK"
        ]
    );

    // Set, read back, refuse a bad value without changing anything.
    assert_eq!(
        shell
            .ask("xConfiguration Audio DefaultVolume: 40")
            .await
            .last()
            .unwrap(),
        "OK"
    );
    assert_eq!(
        shell.ask("xconfiguration audio defaultvolume").await[0],
        "*c xConfiguration Audio DefaultVolume: 40"
    );
    let refused = shell.ask("xConfiguration Audio DefaultVolume: 400").await;
    assert_eq!(refused.last().unwrap(), "ERROR", "{refused:?}");
    assert_eq!(
        shell.ask("xConfiguration Audio DefaultVolume").await[0],
        "*c xConfiguration Audio DefaultVolume: 40"
    );

    // Commands: a result with fields, a tagged one, an error, an unknown one.
    let added = shell
        .ask("xCommand UserManagement User Add Username: \"ops\" Passphrase: \"a-Long-passphrase-1\" Role: Integrator Role: User | resultId=\"7\"")
        .await;
    assert_eq!(
        added[0], "*r UserManagementUserAddResult (status=OK):",
        "{added:?}"
    );
    assert!(added.contains(&"** resultId: 7".to_string()), "{added:?}");
    let refused = shell.ask("xCommand Audio Volume Set Level: 101").await;
    assert_eq!(
        refused[0], "*r AudioVolumeSetResult (status=Error):",
        "{refused:?}"
    );
    assert!(refused[1].starts_with("    Reason: "), "{refused:?}");
    let unknown = shell.ask("xCommand Dail Number: \"x\"").await;
    assert_eq!(unknown.last().unwrap(), "ERROR", "{unknown:?}");

    // A multiline command typed interactively: the body ends with a line holding ".".
    shell
        .send("xCommand UserInterface Extensions Panel Save PanelId: \"textapi\"")
        .await;
    shell
        .send("<Extensions><Panel><Type>Statusbar</Type><Name>From the shell</Name></Panel></Extensions>")
        .await;
    let saved = shell.ask(".").await;
    assert_eq!(
        saved[0], "*r UserInterfaceExtensionsPanelSaveResult (status=OK):",
        "{saved:?}"
    );
    let panels = shell.ask("xCommand UserInterface Extensions List").await;
    assert!(
        panels.iter().any(|l| l.contains("From the shell")),
        "{panels:?}"
    );

    // Feedback: a change made over the WebSocket shows up in the shell.
    assert_eq!(
        shell.ask("xFeedback register /Configuration/Audio").await,
        ["** end", "", "OK"]
    );
    assert_eq!(
        shell.ask("xFeedback list").await,
        ["/Configuration/Audio", "** end", "", "OK"]
    );
    let mut ws = roomd.connect().await;
    ws.ok(
        "xSet",
        json!({"Path": ["Configuration", "Audio", "DefaultVolume"], "Value": 55}),
    )
    .await;
    let heard = shell.until(|l| l == "** end").await;
    assert_eq!(
        heard,
        ["*c xConfiguration Audio DefaultVolume: 55", "** end"]
    );
    assert_eq!(
        shell.ask("xFeedback deregister /Configuration/Audio").await,
        ["** end", "", "OK"]
    );

    // JSON mode, as jsxapi reads it.
    shell.send("xPreferences outputmode json").await;
    shell.send("xStatus Audio Volume | resultId=\"9\"").await;
    let answer = shell.until(|l| l.starts_with('{')).await;
    let answer: serde_json::Value = serde_json::from_str(answer.last().unwrap()).unwrap();
    assert_eq!(answer["ResultId"], "9");
    assert!(
        answer["Status"]["Audio"]["Volume"]["Value"].is_string(),
        "{answer}"
    );

    shell.send("bye").await;
    shell.until(|l| l == "Goodbye").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn logins_and_roles_are_those_of_the_device() {
    let roomd = Roomd::start();
    let mut shell = Shell::connect(&roomd).await;
    shell.send("admin").await;
    shell.send("wrong").await;
    shell.until(|l| l.contains("Login incorrect")).await;

    // A user with only the User role cannot change what only an Admin may.
    let mut admin = Shell::login(&roomd, "admin", PASSWORD).await;
    let added = admin
        .ask("xCommand UserManagement User Add Username: \"guest\" Passphrase: \"a-Long-passphrase-2\" Role: User")
        .await;
    assert_eq!(added.last().unwrap(), "OK", "{added:?}");
    let mut guest = Shell::login(&roomd, "guest", "a-Long-passphrase-2").await;
    let refused = guest.ask("xConfiguration SystemUnit Name: \"mine\"").await;
    assert_eq!(refused.last().unwrap(), "ERROR", "{refused:?}");
    assert_eq!(
        admin.ask("xConfiguration SystemUnit Name").await[0],
        "*c xConfiguration SystemUnit Name: \"\""
    );
}

/// Lines from the serial port until one is `last`, with a deadline.
fn serial_until(reader: &mut impl std::io::BufRead, last: &str) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            panic!("the serial port closed after {lines:?}");
        }
        let line = line.trim_end().to_string();
        let done = line == last;
        lines.push(line);
        if done {
            return lines;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_serial_control_port_follows_its_configuration() {
    use std::io::{BufReader, Write};
    let roomd = Roomd::start();
    let path = roomd.serial.clone();
    // The control system on the cable: log in (LoginRequired is On by default), ask.
    let first = tokio::task::spawn_blocking(move || {
        let mut port = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        let mut reader = BufReader::new(port.try_clone().unwrap());
        write!(port, "admin\n{PASSWORD}\n").unwrap();
        let banner = serial_until(&mut reader, "OK");
        assert!(
            banner.iter().any(|l| l == "*r Login successful"),
            "{banner:?}"
        );
        port.write_all(b"xStatus SystemUnit ProductPlatform\n")
            .unwrap();
        let answer = serial_until(&mut reader, "OK");
        assert_eq!(answer[0], "*s SystemUnit ProductPlatform: \"Codec Pro\"");
        (port, reader)
    });
    let (port, reader) = tokio::time::timeout(Duration::from_secs(20), first)
        .await
        .expect("the serial session answered")
        .unwrap();

    // Without a login the port starts a session as the admin at once.
    let mut ws = roomd.connect().await;
    ws.ok(
        "xSet",
        json!({"Path": ["Configuration", "SerialPort", "LoginRequired"], "Value": "Off"}),
    )
    .await;
    let check = tokio::task::spawn_blocking(move || {
        let (mut port, mut reader) = (port, reader);
        let banner = serial_until(&mut reader, "OK");
        assert!(
            banner.iter().any(|l| l == "*r Login successful"),
            "{banner:?}"
        );
        port.write_all(b"xConfiguration SerialPort LoginRequired\n")
            .unwrap();
        let answer = serial_until(&mut reader, "OK");
        assert_eq!(answer[0], "*c xConfiguration SerialPort LoginRequired: Off");
    });
    tokio::time::timeout(Duration::from_secs(20), check)
        .await
        .expect("a session without login")
        .unwrap();
}
