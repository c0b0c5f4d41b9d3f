//! SRTP protect/unprotect per packet, roomd against libsrtp on the same machine.
//!
//! First prints a side-by-side table measured the same way on both sides (a loop of N
//! packets: copy the packet into a working buffer, then protect or unprotect it in place;
//! unprotect input is made beforehand by a second sender, outside the timing), libsrtp timed
//! inside the C harness with clock_gettime. Then criterion measures roomd alone.
//! Needs `cc` and libsrtp2-dev for the libsrtp column (Debian's libsrtp2 uses NSS).
//!
//! Figures on this project's 2-core Xeon (Ice Lake server, under a hypervisor), ns per packet,
//! protect / unprotect, against libsrtp 2.5.0 built with OpenSSL 3.0 (`scripts/libsrtp-openssl`):
//!
//! | suite, payload          | roomd     | libsrtp + OpenSSL | ratio         |
//! |-------------------------|-----------|-------------------|---------------|
//! | AES_CM_128_HMAC_SHA1_80, 160   | 197 / 186 | 390 / 412   | 1.98× / 2.21× |
//! | AES_CM_128_HMAC_SHA1_80, 1,200 | 814 / 890 | 986 / 1,079 | 1.21× / 1.21× |
//! | AEAD_AES_128_GCM, 160          | 82 / 95   | 284 / 317   | 3.44× / 3.33× |
//! | AEAD_AES_128_GCM, 1,200        | 167 / 265 | 422 / 507   | 2.53× / 1.91× |
//!
//! What bounds AES-CM at 1,200 octets: the HMAC covers 21 SHA-1 blocks (the ipad block aside),
//! which take 650 ns on the SHA extensions here, as fast as OpenSSL's SHA-1 on this machine
//! (29.7 ns a block). The SHA unit is busy, not waiting: two packets hashed side by side take
//! no less per packet. So roomd's 814 ns is that floor plus the part of AES-CTR that shares an
//! execution port with SHA; libsrtp at 986 ns is the same floor plus AES-CTR in a second pass.
//! 1.3× would need 760 ns, within 110 ns of the SHA-1 work alone.

#[path = "../tests/srtp_libsrtp/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use roomd::call::media::srtp::{Context, Suite};

const SUITES: [Suite; 2] = [Suite::AesCm128HmacSha1_80, Suite::AeadAes128Gcm];
const PAYLOADS: [usize; 2] = [160, 1200];
const CHUNK: usize = 4096;

/// The same key, packet and SSRC as the C harness's `bench`.
fn key(suite: Suite) -> Vec<u8> {
    (0..suite.master_key_len() + suite.master_salt_len())
        .map(|i| (i * 7 + 3) as u8)
        .collect()
}

fn packet(payload: usize, seq: u16) -> Vec<u8> {
    let mut p = vec![0x80, 0x60];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&(u32::from(seq).wrapping_mul(160)).to_be_bytes());
    p.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    p.extend((0..payload).map(|i| i as u8));
    p
}

/// Time of `n` protects (copy in, set the sequence number, protect).
fn time_protect(tx: &mut Context, payload: usize, seq: &mut u16, n: u64) -> Duration {
    let template = packet(payload, 0);
    let mut buf = Vec::with_capacity(2048);
    let start = Instant::now();
    for _ in 0..n {
        buf.clear();
        buf.extend_from_slice(&template);
        buf[2..4].copy_from_slice(&seq.to_be_bytes());
        *seq = seq.wrapping_add(1);
        tx.protect_rtp(&mut buf).unwrap();
        black_box(&buf);
    }
    start.elapsed()
}

/// Time of `n` unprotects of packets a second sender made, in untimed chunks.
fn time_unprotect(
    tx: &mut Context,
    rx: &mut Context,
    payload: usize,
    seq: &mut u16,
    n: u64,
) -> Duration {
    let mut wire: Vec<Vec<u8>> = Vec::with_capacity(CHUNK);
    let mut buf = Vec::with_capacity(2048);
    let mut total = Duration::ZERO;
    let mut done = 0;
    while done < n {
        let c = (n - done).min(CHUNK as u64);
        wire.clear();
        for _ in 0..c {
            let mut p = packet(payload, *seq);
            *seq = seq.wrapping_add(1);
            tx.protect_rtp(&mut p).unwrap();
            wire.push(p);
        }
        let start = Instant::now();
        for p in &wire {
            buf.clear();
            buf.extend_from_slice(p);
            rx.unprotect_rtp(&mut buf).unwrap();
            black_box(&buf);
        }
        total += start.elapsed();
        done += c;
    }
    total
}

fn roomd_ns(suite: Suite, payload: usize, n: u64) -> (f64, f64) {
    let k = key(suite);
    let (mut tx, mut tx2, mut rx) = (
        Context::new(suite, &k).unwrap(),
        Context::new(suite, &k).unwrap(),
        Context::new(suite, &k).unwrap(),
    );
    let mut seq = 0;
    time_protect(&mut tx, payload, &mut seq, 20_000);
    let protect = time_protect(&mut tx, payload, &mut seq, n);
    let mut seq = 0;
    let unprotect = time_unprotect(&mut tx2, &mut rx, payload, &mut seq, n);
    (
        protect.as_nanos() as f64 / n as f64,
        unprotect.as_nanos() as f64 / n as f64,
    )
}

/// The crypto library the system's libsrtp is linked with (Debian's uses NSS).
fn system_backend() -> String {
    std::process::Command::new("sh")
        .args(["-c", "ldd $(ldconfig -p | awk '/libsrtp2.so/{print $NF; exit}') 2>/dev/null | grep -oE 'lib(nss3|crypto|mbedcrypto)[^ ]*' | head -1"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "built-in crypto".into())
}

/// Side by side against each libsrtp there is: the system's, and the OpenSSL build that
/// `scripts/libsrtp-openssl` leaves in `$LIBSRTP_OPENSSL` (scripts/bench sets it).
fn side_by_side() {
    let system = harness::Libsrtp::start().map(|l| (l, system_backend()));
    compare("system libsrtp", system);
    match std::env::var_os("LIBSRTP_OPENSSL") {
        Some(prefix) => {
            let built =
                harness::Libsrtp::start_with(Some(std::path::Path::new(&prefix))).map(|l| {
                    (
                        l,
                        "OpenSSL (built from Debian's source package)".to_string(),
                    )
                });
            compare("libsrtp + OpenSSL", built);
        }
        None => {
            eprintln!("libsrtp + OpenSSL skipped: set LIBSRTP_OPENSSL (scripts/bench builds it)")
        }
    }
}

/// The medians of the protect and of the unprotect figures.
fn medians(rounds: &[(f64, f64)]) -> (f64, f64) {
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (
        median(rounds.iter().map(|r| r.0).collect()),
        median(rounds.iter().map(|r| r.1).collect()),
    )
}

fn compare(label: &str, lib: Result<(harness::Libsrtp, String), String>) {
    const N: u64 = 50_000;
    const ROUNDS: usize = 7;
    let (mut lib, backend) = match lib {
        Ok((l, b)) => (Some(l), b),
        Err(e) => {
            eprintln!("{label} column skipped: {e}");
            (None, String::new())
        }
    };
    let version = lib
        .as_mut()
        .and_then(|l| l.version().ok())
        .unwrap_or_else(|| "libsrtp unavailable".into());
    println!(
        "\nSRTP ns/packet (12-byte header + payload), median of {ROUNDS} alternating rounds of {N} packets; {label} = {version} linked with {backend}"
    );
    println!(
        "{:<24} {:>7} | {:>14} {:>14} | {:>14} {:>14}",
        "suite", "payload", "roomd protect", "libsrtp prot.", "roomd unprot.", "libsrtp unpr."
    );
    for suite in SUITES {
        for payload in PAYLOADS {
            // Alternate the two sides in rounds and take each side's median, so that a noisy
            // neighbour on a shared machine does not favour whichever side ran in a quiet moment.
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                ours.push(roomd_ns(suite, payload, N));
                theirs.push(
                    match lib
                        .as_mut()
                        .map(|l| l.bench(suite.sdp_name(), payload, N as usize))
                    {
                        Some(Ok(figures)) => figures,
                        Some(Err(e)) => {
                            eprintln!("libsrtp bench failed: {e}");
                            (f64::NAN, f64::NAN)
                        }
                        None => (f64::NAN, f64::NAN),
                    },
                );
            }
            let (p, u) = medians(&ours);
            let (lp, lu) = medians(&theirs);
            println!(
                "{:<24} {:>7} | {:>14.0} {:>14.0} | {:>14.0} {:>14.0}   (libsrtp/roomd: {:.2}x, {:.2}x)",
                suite.sdp_name(),
                payload,
                p,
                lp,
                u,
                lu,
                lp / p,
                lu / u
            );
        }
    }
    println!();
}

fn criterion_benches(c: &mut Criterion) {
    for suite in SUITES {
        for payload in PAYLOADS {
            let mut group = c.benchmark_group(format!("srtp/{}/{payload}", suite.sdp_name()));
            group.throughput(Throughput::Elements(1));
            group.bench_function("protect", |b| {
                let mut tx = Context::new(suite, &key(suite)).unwrap();
                let mut seq = 0;
                b.iter_custom(|iters| time_protect(&mut tx, payload, &mut seq, iters));
            });
            group.bench_function("unprotect", |b| {
                let k = key(suite);
                let (mut tx, mut rx) = (
                    Context::new(suite, &k).unwrap(),
                    Context::new(suite, &k).unwrap(),
                );
                let mut seq = 0;
                b.iter_custom(|iters| time_unprotect(&mut tx, &mut rx, payload, &mut seq, iters));
            });
            group.finish();
        }
    }
}

fn main() {
    side_by_side();
    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c);
    c.final_summary();
}
