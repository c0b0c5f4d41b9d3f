//! Firmware images end to end, with real roomd processes: build → verify → install → reboot
//! into the other slot → healthy → committed; a build that never gets healthy rolls back by
//! itself with macros and configuration intact; hostile images are refused with messages that
//! say why; `kill -9` during an install leaves the device bootable; `SystemUnit
//! SoftwareUpgrade` downloads, installs and reboots.

#[path = "../common/mod.rs"]
mod common;
mod software_upgrade;
mod support;

use std::path::Path;

use common::Client;
use serde_json::json;
use support::*;

async fn connect(port: u16) -> Client {
    Client::connect(&format!("ws://127.0.0.1:{port}/ws"), "admin", PASSWORD)
        .await
        .unwrap()
}

/// Leaves a configuration and a macro in the data store through the xAPI.
async fn leave_data(c: &mut Client) {
    c.configure("Audio DefaultVolume", "35").await;
    c.ok(
        "xCommand/Macros/Macro/Save",
        json!({"Name": "kept", "body": "// saved before the update\n"}),
    )
    .await;
}

/// Checks that what [`leave_data`] stored is still there.
async fn data_is_intact(c: &mut Client) {
    let volume = c
        .ok("xGet", json!({"Path": "Configuration Audio DefaultVolume"}))
        .await;
    assert_eq!(volume, json!(35));
    let got = c
        .ok(
            "xCommand/Macros/Macro/Get",
            json!({"Name": "kept", "Content": "True"}),
        )
        .await;
    assert_eq!(got["Macro"][0]["Name"], "kept", "{got}");
    assert!(got.to_string().contains("saved before the update"), "{got}");
}

async fn reboot(c: &mut Client) {
    c.ok("xCommand/SystemUnit/Boot", json!({"Action": "Restart"}))
        .await;
}

#[tokio::test]
async fn an_update_is_verified_installed_tried_and_committed() {
    let dir = tempfile::tempdir().unwrap();
    let (root, data) = (dir.path().join("flash"), dir.path().join("data"));
    let first = build_image(dir.path(), "0.1.0", None);
    let verified = firmware_ok(&["verify", s(&first), "--key", PUBLIC_KEY, "--board", "sim"]);
    assert!(
        verified.starts_with("verified 0.1.0 for board sim: 3 files"),
        "{verified}"
    );
    install(&first, &root, &[]);
    assert!(status(&root).contains("slot a 0.1.0 trial active"));

    let mut boot = Launcher::start(&root, &data, 60);
    boot.wait_line(60, |l| l == "boot: committed slot a 0.1.0");
    let mut c = connect(boot.next_port()).await;
    leave_data(&mut c).await;

    let second = build_image(dir.path(), "0.2.0", None);
    let installed = install(&second, &root, &[]);
    assert!(
        installed.contains("installed 0.2.0 into slot b"),
        "{installed}"
    );
    reboot(&mut c).await;
    boot.wait_line(30, |l| l == "boot: rebooting");
    boot.wait_line(30, |l| {
        l.starts_with("boot: started slot b 0.2.0 (trial, 2 tries left)")
    });
    boot.wait_line(60, |l| l == "boot: committed slot b 0.2.0");
    let mut c = connect(boot.next_port()).await;
    data_is_intact(&mut c).await;
    let running = c
        .ok(
            "xGet",
            json!({"Path": "Status Provisioning Software Current VersionId"}),
        )
        .await;
    assert_eq!(running, json!("0.2.0"));
    let now = status(&root);
    assert!(now.contains("slot a 0.1.0 good\n"), "{now}");
    assert!(now.contains("slot b 0.2.0 good active"), "{now}");

    // Rolling back by hand boots the previous good slot next.
    assert!(firmware_ok(&["rollback", "--root", s(&root)]).contains("slot a (0.1.0"));
    reboot(&mut c).await;
    boot.wait_line(30, |l| {
        l.starts_with("boot: started slot a 0.1.0 (committed)")
    });
    let mut c = connect(boot.next_port()).await;
    data_is_intact(&mut c).await;
}

#[tokio::test]
async fn a_build_that_fails_its_health_check_rolls_back_with_the_data_intact() {
    let dir = tempfile::tempdir().unwrap();
    let (root, data) = (dir.path().join("flash"), dir.path().join("data"));
    install(&build_image(dir.path(), "0.1.0", None), &root, &[]);
    let mut boot = Launcher::start(&root, &data, 60);
    boot.wait_line(60, |l| l == "boot: committed slot a 0.1.0");
    let mut c = connect(boot.next_port()).await;
    leave_data(&mut c).await;

    let broken = script(
        dir.path(),
        "broken-roomd",
        "echo 'broken build' >&2\nexit 1",
    );
    let image = build_image(dir.path(), "0.2.0", Some(&broken));
    install(&image, &root, &["--tries", "2"]);
    reboot(&mut c).await;
    for tries_left in [1, 0] {
        let started = format!("boot: started slot b 0.2.0 (trial, {tries_left} tries left)");
        boot.wait_line(30, |l| l.starts_with(&started));
        boot.wait_line(30, |l| {
            l == "boot: slot b 0.2.0 failed: exit status: 1 before reporting healthy"
        });
    }
    boot.wait_line(30, |l| {
        l == "boot: slot b (0.2.0) did not become healthy; rolled back to slot a (0.1.0)"
    });
    boot.wait_line(30, |l| {
        l.starts_with("boot: started slot a 0.1.0 (committed)")
    });
    let mut c = connect(boot.next_port()).await;
    data_is_intact(&mut c).await;
    let now = status(&root);
    assert!(now.contains("slot a 0.1.0 good active"), "{now}");
    assert!(now.contains("slot b 0.2.0 bad"), "{now}");
    assert!(
        now.contains("last-rollback slot b (0.2.0) did not become healthy"),
        "{now}"
    );
}

#[test]
fn a_build_that_never_reports_healthy_is_stopped_and_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let (root, data) = (dir.path().join("flash"), dir.path().join("data"));
    // A stand-in roomd: healthy at once; the first time, asks for a reboot once told to "go".
    let marker = dir.path().join("rebooted-once");
    let good = script(
        dir.path(),
        "good-roomd",
        &format!(
            "echo healthy\nif [ -e {m} ]; then exec sleep 60; fi\ntouch {m}\n\
             while [ ! -e {go} ]; do sleep 0.05; done\nexit 75",
            m = s(&marker),
            go = s(&dir.path().join("go"))
        ),
    );
    install(&build_image(dir.path(), "0.1.0", Some(&good)), &root, &[]);
    let hanging = script(dir.path(), "hanging-roomd", "exec sleep 60");
    let mut boot = Launcher::start(&root, &data, 1);
    boot.wait_line(10, |l| l == "boot: committed slot a 0.1.0");
    install(
        &build_image(dir.path(), "0.2.0", Some(&hanging)),
        &root,
        &["--tries", "1"],
    );
    std::fs::write(dir.path().join("go"), "").unwrap();
    boot.wait_line(10, |l| {
        l.starts_with("boot: started slot b 0.2.0 (trial, 0 tries left)")
    });
    boot.wait_line(10, |l| {
        l == "boot: slot b 0.2.0 failed: not healthy within 1 s"
    });
    boot.wait_line(10, |l| l.ends_with("rolled back to slot a (0.1.0)"));
    boot.wait_line(10, |l| {
        l.starts_with("boot: started slot a 0.1.0 (committed)")
    });
    boot.wait_line(10, |l| l == "healthy");
}

#[test]
fn hostile_images_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let bin = script(dir.path(), "tiny-roomd", "echo healthy");
    let image = build_image(dir.path(), "0.2.0", Some(&bin));
    let verify = |image: &Path, extra: &[&str]| {
        let mut args = vec!["verify", s(image), "--key", PUBLIC_KEY, "--board", "sim"];
        args.extend(extra);
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let refused = |args: Vec<String>| firmware_refuses(&args);
    firmware_ok(&verify(&image, &[]));

    // Signed by someone else.
    let other = dir.path().join("other-key");
    firmware_ok(&["keygen", s(&other)]);
    let other_public = other.join("firmware-signing-key.pub.pem");
    let mut args = verify(&image, &[]);
    args[3] = s(&other_public).to_string();
    assert_eq!(
        refused(args),
        "roomd firmware: signature does not match the trusted key"
    );

    let original = members(&image);
    let variant = |name: &str, change: &dyn Fn(&mut Members)| {
        let mut m = original.clone();
        change(&mut m);
        let path = dir.path().join(name);
        write_members(&path, &m);
        path
    };
    // A payload byte changed.
    let tampered = variant("tampered.tar", &|m| m[2].1[20] ^= 1);
    assert_eq!(
        refused(verify(&tampered, &[])),
        "roomd firmware: file bin/roomd: sha256 mismatch"
    );
    // The manifest changed after signing.
    let forged = variant("forged.tar", &|m| {
        let text = String::from_utf8(m[0].1.clone()).unwrap();
        m[0].1 = text.replace("0.2.0", "9.2.0").into_bytes();
    });
    assert_eq!(
        refused(verify(&forged, &[])),
        "roomd firmware: signature does not match the trusted key"
    );
    let unsigned = variant("unsigned.tar", &|m| {
        m.remove(1);
    });
    assert_eq!(
        refused(verify(&unsigned, &[])),
        "roomd firmware: image is not signed (no manifest.sig after manifest.toml)"
    );
    // A file the signed manifest does not list, named to escape the slot.
    let escaping = variant("escaping.tar", &|m| {
        m.push((
            "../../etc/cron.d/evil".into(),
            b"* * * * * root sh".to_vec(),
        ));
    });
    let e = refused(verify(&escaping, &[]));
    assert!(
        e.contains("\"../../etc/cron.d/evil\" is refused: it leaves the image (path traversal)"),
        "{e}"
    );
    // Even a signed manifest may not name a path outside the slot.
    let signed_escape = variant("signed-escape.tar", &|m| {
        let text = String::from_utf8(m[0].1.clone()).unwrap();
        m[0].1 = text
            .replace("macros/display-swap.js", "../display-swap.js")
            .into_bytes();
        m[1].1 = sign(&m[0].1);
    });
    assert!(refused(verify(&signed_escape, &[])).contains("path traversal"));

    // For another board.
    let boards = dir.path().join("boards");
    std::fs::create_dir(&boards).unwrap();
    std::fs::copy("boards/sim.toml", boards.join("codec-pro.toml")).unwrap();
    let pro = dir.path().join("pro.tar");
    firmware_ok(&[
        "build",
        "--board",
        "codec-pro",
        "--version",
        "0.2.0",
        "--key",
        KEY,
        "--out",
        s(&pro),
        "--bin",
        s(&bin),
        "--boards",
        s(&boards),
    ]);
    assert_eq!(
        refused(verify(&pro, &[])),
        "roomd firmware: image is for board codec-pro, this device is sim"
    );

    // Older than what runs, unless forced.
    let old = build_image(dir.path(), "0.0.9", Some(&bin));
    assert_eq!(
        refused(verify(&old, &["--running", "0.1.0"])),
        "roomd firmware: version 0.0.9 is older than the running 0.1.0 (use --force to downgrade)"
    );
    firmware_ok(&verify(&old, &["--running", "0.1.0", "--force"]));
}

#[test]
fn a_refused_install_changes_nothing_and_a_downgrade_needs_force() {
    use roomd::firmware::{boot, slots::Slots};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("flash");
    let bin = script(dir.path(), "tiny-roomd", "echo healthy");
    install(&build_image(dir.path(), "0.2.0", Some(&bin)), &root, &[]);
    // Boot it and call it healthy, as the launcher would.
    let slots = Slots::new(&root);
    let (_, tried) = boot::decide(&slots.load().unwrap().unwrap());
    slots.save(&boot::commit(&tried, boot::Slot::A)).unwrap();
    let before = std::fs::read(root.join("boot.json")).unwrap();

    let mut tampered = members(&build_image(dir.path(), "0.3.0", Some(&bin)));
    tampered[2].1[0] ^= 1;
    let tampered_path = dir.path().join("tampered.tar");
    write_members(&tampered_path, &tampered);
    let old = build_image(dir.path(), "0.1.0", Some(&bin));
    let key_args = ["--root", s(&root), "--key", PUBLIC_KEY];
    for (image, why) in [
        (&tampered_path, "file bin/roomd: sha256 mismatch"),
        (
            &old,
            "version 0.1.0 is older than the running 0.2.0 (use --force to downgrade)",
        ),
    ] {
        let mut args = vec!["install", s(image)];
        args.extend(key_args);
        assert_eq!(firmware_refuses(&args), format!("roomd firmware: {why}"));
        assert_eq!(std::fs::read(root.join("boot.json")).unwrap(), before);
        assert!(!root.join("slots/b").exists() && !root.join("slots/b.tmp").exists());
    }
    let mut args = vec!["install", s(&old), "--force"];
    args.extend(key_args);
    assert!(firmware_ok(&args).contains("installed 0.1.0 into slot b"));
}

#[test]
fn kill_9_during_an_install_leaves_a_bootable_device() {
    use roomd::firmware::{boot, slots::Slots};
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let (root, data) = (dir.path().join("flash"), dir.path().join("data"));
    install(&build_image(dir.path(), "0.1.0", None), &root, &[]);
    let slots = Slots::new(&root);
    let (_, tried) = boot::decide(&slots.load().unwrap().unwrap());
    slots.save(&boot::commit(&tried, boot::Slot::A)).unwrap();

    // The installer reads the image from a pipe, so it is killed mid-way for sure.
    let image = std::fs::read(build_image(dir.path(), "0.2.0", None)).unwrap();
    let fifo = dir.path().join("image.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut installer = std::process::Command::new(ROOMD)
        .args([
            "firmware",
            "install",
            s(&fifo),
            "--root",
            s(&root),
            "--key",
            PUBLIC_KEY,
        ])
        .spawn()
        .unwrap();
    let mut pipe = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    pipe.write_all(&image[..image.len() / 2]).unwrap();
    let partial = root.join("slots/b.tmp/bin/roomd");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the install never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    installer.kill().unwrap();
    installer.wait().unwrap();
    drop(pipe);

    let now = status(&root);
    assert!(
        now.contains("slot a 0.1.0 good active") && now.contains("slot b - empty"),
        "{now}"
    );
    let mut boot = Launcher::start(&root, &data, 60);
    boot.wait_line(60, |l| {
        l.starts_with("boot: started slot a 0.1.0 (committed)")
    });
    boot.wait_line(60, |l| l == "healthy");
    drop(boot);
    // The next install goes through, over the leftovers.
    let again = install(&dir.path().join("roomd-0.2.0.tar"), &root, &[]);
    assert!(again.contains("installed 0.2.0 into slot b"), "{again}");
    assert!(!root.join("slots/b.tmp").exists());
}
