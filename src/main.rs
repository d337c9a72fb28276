//! `sagasu`: index Japanese blog archives and search them.

mod cli;
mod commands;
mod config;
mod render;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// Indexing allocates a little for every token; mimalloc does that faster
/// than the system allocator (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index(args) => commands::index(args),
        Command::Search(args) => commands::search(args),
        Command::Analyze(args) => commands::analyze(args),
        Command::Stats(args) => commands::stats(args),
        Command::Serve(args) => commands::serve(args),
        Command::Static(args) => commands::static_bundle(args),
    };
    match result {
        Ok(code) => code,
        // A reader that stops early (`sagasu search … | head`) is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("sagasu: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
