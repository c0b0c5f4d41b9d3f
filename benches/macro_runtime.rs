//! Macro runtime figures (issue goals in brackets):
//! - Save+Activate → first handler live            [≤ 150 ms]
//! - RSS per idle active macro (host process)       [≤ 12 MB]
//! - status change → JS handler latency, p99        [≤ 2 ms]  (measured as the full round trip
//!   change → handler → command back → event, an upper bound)
//! - events per second one macro takes              [≥ 20,000/s]
//! - the JS dispatch workload in boa and in Node    (reference)
//!
//! A device runs in this process on the simulated board; macros run in real host processes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use roomd::clock::Clock;
use roomd::device::{Device, Options};
use roomd::xapi::{Bus, Caller, Notification, Typing, parse_text};
use serde_json::{Value as Json, json};
use tokio::sync::mpsc::Receiver;

const ECHO: &str = r#"import xapi from 'xapi';
const answers = _main_macro_name() === 'echo0';
xapi.Status.Audio.Volume.on((v) => { if (answers) xapi.Command.Message.Send({ Text: 'echo ' + v }); })
  .registration.then(() => xapi.Command.Message.Send({ Text: 'live' }));
"#;

const COUNTER: &str = r#"import xapi from 'xapi';
let count = 0;
xapi.Event.UserInterface.Message.TextLine.Cleared.on(() => {
  count += 1;
  if (count % 500 === 0) xapi.Command.Message.Send({ Text: 'count ' + count });
}).registration.then(() => xapi.Command.Message.Send({ Text: 'live' }));
"#;

async fn command(bus: &Bus, path: &str, params: Json, body: Option<String>) -> Json {
    let raw = params.as_object().cloned().unwrap_or_default();
    bus.command(&Caller::system(), &parse_text(path).unwrap(), &raw, body)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn next_message(rx: &mut Receiver<Notification>) -> String {
    let n = tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("a message in time")
        .expect("subscribed");
    let payload = n.render(Typing::Legacy);
    payload["Event"]["Message"]["Send"]["Text"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

async fn wait_for(rx: &mut Receiver<Notification>, want: &str) {
    while next_message(rx).await != want {}
}

/// A `kB` field of a /proc file.
fn proc_kib(file: &str, field: &str) -> u64 {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The macro host processes this process started.
fn host_pids() -> Vec<u32> {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    s.rsplit(')')
                        .next()
                        .map(|r| r.split_whitespace().nth(1) == Some(&me))
                })
                .unwrap_or(false)
        })
        .collect()
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

async fn device_figures() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        board: "boards/sim.toml".into(),
        data: dir.path().to_path_buf(),
        listen: "127.0.0.1".parse().unwrap(),
        http_port: 0,
        sip_port: 0,
        text_port: None,
        admin_password: Some("bench".into()),
        macro_host: Some(env!("CARGO_BIN_EXE_roomd-macro-host").into()),
    };
    let device = Device::build(&options, Arc::new(Clock::real())).unwrap();
    let bus = device.bus.clone();
    let (handle, mut rx) = bus.subscriber(Caller::system(), "bench");
    handle
        .subscribe(&parse_text("Event Message Send").unwrap())
        .unwrap();

    // 1. Save + Activate → first handler live.
    let mut startups = Vec::new();
    for i in 0..10 {
        let name = format!("echo{i}");
        let start = Instant::now();
        command(
            &bus,
            "Macros Macro Save",
            json!({"Name": name}),
            Some(ECHO.into()),
        )
        .await;
        command(&bus, "Macros Macro Activate", json!({"Name": name}), None).await;
        wait_for(&mut rx, "live").await;
        startups.push(start.elapsed());
    }
    let mut sorted = startups.clone();
    println!(
        "Save+Activate → first handler live, 10 runs: median {}  max {}",
        ms(percentile(&mut sorted, 0.5)),
        ms(*sorted.last().unwrap())
    );

    // 2. Memory of the 10 idle active macros. A freshly linked binary's pages are dirty in
    // the page cache (and so private to each process) until written back: sync first.
    let _ = std::process::Command::new("sync").status();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pids = host_pids();
    let n = pids.len().max(1) as f64;
    let sum = |file: &dyn Fn(u32) -> String, field: &str| -> f64 {
        pids.iter().map(|p| proc_kib(&file(*p), field)).sum::<u64>() as f64 / 1024.0 / n
    };
    let status = |p: u32| format!("/proc/{p}/status");
    let rollup = |p: u32| format!("/proc/{p}/smaps_rollup");
    println!(
        "idle active macros, {} host processes: PSS {:.1} MB each (its own anon memory {:.1} MB + its share of the binary); RSS {:.1} MB each, of which {:.1} MB are the binary's pages shared by all",
        pids.len(),
        sum(&rollup, "Pss:"),
        sum(&status, "RssAnon:"),
        sum(&status, "VmRSS:"),
        sum(&status, "RssFile:"),
    );

    // 3. Status change → JS handler → command back → event, round trip.
    let mut samples = Vec::new();
    for i in 0..2000 {
        let level = 10 + (i % 2);
        let start = Instant::now();
        command(&bus, "Audio Volume Set", json!({"Level": level}), None).await;
        wait_for(&mut rx, &format!("echo {level}")).await;
        samples.push(start.elapsed());
    }
    println!(
        "status change → JS handler → command → event round trip (10 macros hear it, one answers), 2000 samples: p50 {}  p99 {}  max {}",
        ms(percentile(&mut samples, 0.5)),
        ms(percentile(&mut samples, 0.99)),
        ms(*samples.last().unwrap())
    );
    for i in 0..10 {
        let name = format!("echo{i}");
        command(
            &bus,
            "Macros Macro Deactivate",
            json!({ "Name": name }),
            None,
        )
        .await;
    }

    // 4. Events per second into one macro (in flights of 500, so no queue overflows).
    command(
        &bus,
        "Macros Macro Save",
        json!({"Name": "counter"}),
        Some(COUNTER.into()),
    )
    .await;
    command(
        &bus,
        "Macros Macro Activate",
        json!({"Name": "counter"}),
        None,
    )
    .await;
    wait_for(&mut rx, "live").await;
    let total = 50_000;
    let start = Instant::now();
    for flight in 1..=(total / 500) {
        for _ in 0..500 {
            bus.emit("UserInterface Message TextLine Cleared", json!({}))
                .unwrap();
        }
        wait_for(&mut rx, &format!("count {}", flight * 500)).await;
    }
    let elapsed = start.elapsed();
    println!(
        "events into one macro: {total} in {} = {:.0} events/s",
        ms(elapsed),
        total as f64 / elapsed.as_secs_f64()
    );
    drop(handle);
}

/// The same JS workload in boa (in this process) and in Node, when Node is installed.
fn engine_figures() {
    use boa_engine::{Context, Source};
    let script = std::fs::read_to_string("benches/js/dispatch_workload.js").unwrap();
    let mut context = Context::default();
    let result = context.eval(Source::from_bytes(&script)).unwrap();
    let result = result.to_json(&mut context).unwrap().unwrap();
    let per_s =
        |r: &Json| r["events"].as_f64().unwrap() / (r["ms"].as_f64().unwrap().max(1.0) / 1e3);
    println!(
        "JS dispatch workload (parse + walk + handler), boa: {} events in {} ms = {:.0}/s",
        result["events"],
        result["ms"],
        per_s(&result)
    );
    let node = std::process::Command::new("node")
        .args([
            "-e",
            "console.log(JSON.stringify(eval(require('fs').readFileSync('benches/js/dispatch_workload.js','utf8'))))",
        ])
        .output();
    match node {
        Ok(out) if out.status.success() => {
            let r: Json = serde_json::from_slice(&out.stdout).unwrap();
            println!(
                "JS dispatch workload, Node {}: {} events in {} ms = {:.0}/s",
                String::from_utf8_lossy(
                    &std::process::Command::new("node")
                        .arg("--version")
                        .output()
                        .map(|o| o.stdout)
                        .unwrap_or_default()
                )
                .trim(),
                r["events"],
                r["ms"],
                per_s(&r)
            );
        }
        _ => println!("JS dispatch workload, Node: node is not installed"),
    }
}

fn main() {
    engine_figures();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(device_figures());
}
