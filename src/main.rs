//! `sagasu`: index Japanese blog archives and search them.

mod cli;
mod commands;
mod render;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index(args) => commands::index(args),
        Command::Search(args) => commands::search(args),
        Command::Analyze(args) => commands::analyze(args),
        Command::Stats(args) => commands::stats(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sagasu: {err:#}");
            ExitCode::FAILURE
        }
    }
}
