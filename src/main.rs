//! `sagasu`: index Japanese blog archives and search them.

mod cli;
mod commands;
mod config;
mod render;
mod settings;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use clap::error::ErrorKind;

use crate::cli::{Cli, Command};
use crate::settings::Settings;

/// Indexing allocates a little for every token; mimalloc does that faster
/// than the system allocator (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return unreadable(&err),
    };
    match run(cli.command) {
        Ok(code) => code,
        // A reader that stops early (`sagasu search … | head`) is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("sagasu: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<ExitCode> {
    match Settings::resolve(command)? {
        Settings::Index(settings) => commands::index(settings),
        Settings::Search(settings) => commands::search(settings),
        Settings::Analyze(settings) => commands::analyze(settings),
        Settings::Stats(settings) => commands::stats(settings),
        Settings::Serve(settings) => commands::serve(*settings),
        Settings::Static(settings) => commands::static_bundle(settings),
    }
}

/// A command line clap does not accept (or `--help`, `--version`), with
/// clap's message. A search parameter the search library refuses (`--sort
/// best`) exits 1, as `--limit 0` does, which only the whole request can
/// check; anything else exits with clap's status (2 for a usage error).
fn unreadable(err: &clap::Error) -> ExitCode {
    let refused_by_search = err.kind() == ErrorKind::ValueValidation
        && std::error::Error::source(err).is_some_and(|cause| cause.is::<sagasu_search::Error>());
    // Nothing better to do if stderr is gone.
    let _ = err.print();
    if refused_by_search {
        ExitCode::FAILURE
    } else {
        ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
