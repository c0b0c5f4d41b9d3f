//! `roomd-macro-host`: runs one macro in boa_engine, started by roomd's macro supervisor.
//!
//! A separate, small executable: each active macro is one process of it, so the less code
//! it maps, the less memory every macro costs (see `roomd::macro_runtime::host`).

// The heap cap that stops a macro allocating without bound.
#[global_allocator]
static ALLOCATOR: roomd::alloc_cap::CappedAllocator = roomd::alloc_cap::CappedAllocator;

fn main() {
    std::process::exit(roomd::macro_runtime::host::main());
}
