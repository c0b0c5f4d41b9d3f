//! Embeds the macros shipped with the firmware (`macros/*.js`) into the binary, and links the
//! macro host with packed relative relocations.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Every macro is its own `roomd-macro-host` process. As a position-independent binary it
    // rewrites about 1 MB of pointers at each start, private to each process; packed relative
    // relocations (DT_RELR, glibc 2.36+) shrink that and keep address randomisation, which a
    // process running third-party JavaScript should have (about 12.7 → 11.2 MB RSS per macro).
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu")
    {
        println!("cargo:rustc-link-arg-bin=roomd-macro-host=-Wl,-z,pack-relative-relocs");
    }
    let dir = Path::new("macros");
    println!("cargo:rerun-if-changed=macros");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "js"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from(
        "/// Macros shipped with roomd: (name, source).\npub const SHIPPED: &[(&str, &str)] = &[\n",
    );
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("macro file name");
        let absolute = std::fs::canonicalize(&path).expect("macro path");
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            absolute.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("shipped_macros.rs");
    std::fs::write(target, out).unwrap();
}
