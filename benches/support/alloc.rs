//! The allocator the `sagasu` binary uses (`src/main.rs`), so that the
//! benches measure the library as it runs in the binary. Shared by the
//! benches through `#[path]`; not a bench target of its own.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
