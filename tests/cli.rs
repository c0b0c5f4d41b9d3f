//! `roomd macro push` and `roomd macro logs`, against a running roomd.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{PASSWORD, Roomd};

fn roomd_tool(roomd: &Roomd, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roomd"));
    cmd.arg("macro")
        .args(args)
        .args(["--url", &roomd.url(false), "--password", PASSWORD]);
    cmd
}

#[test]
fn push_activates_and_logs_show_the_macro_output() {
    let roomd = Roomd::start();
    let pushed = roomd_tool(
        &roomd,
        &["push", "tests/macros/volume_echo.js", "--activate"],
    )
    .output()
    .unwrap();
    assert!(
        pushed.status.success(),
        "{}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    let said = String::from_utf8_lossy(&pushed.stdout);
    assert!(
        said.contains("saved macro volume_echo") && said.contains("activated"),
        "{said}"
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let logs = roomd_tool(&roomd, &["logs", "volume_echo"])
            .output()
            .unwrap();
        assert!(logs.status.success());
        if String::from_utf8_lossy(&logs.stdout).contains("volume_echo started") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the macro's log line never showed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // --follow prints lines as they come.
    let mut follow = roomd_tool(&roomd, &["logs", "timers_promises", "--follow"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = follow.stdout.take().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let source = "import xapi from 'xapi';\nconsole.warn('live line');\n";
    std::fs::write(roomd.data.join("timers_promises.js"), source).unwrap();
    let pushed = roomd_tool(&roomd, &["push"])
        .arg(roomd.data.join("timers_promises.js"))
        .arg("--activate")
        .output()
        .unwrap();
    assert!(pushed.status.success());
    let line = BufReader::new(stdout).lines().next().unwrap().unwrap();
    assert!(
        line.contains("warn") && line.contains("live line"),
        "{line}"
    );
    let _ = follow.kill();
    let _ = follow.wait();

    let wrong = roomd_tool(&roomd, &["push", "tests/macros/none.js"])
        .output()
        .unwrap();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("cannot read"));
}
