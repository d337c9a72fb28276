//! The `sagasu` binary, run the way every test runs it.

use std::ffi::OsStr;
use std::process::Command;

/// `binary` (`env!("CARGO_BIN_EXE_sagasu")`) with a hermetic environment:
/// none of the developer's `SAGASU_*` variables (a test sets the ones it
/// means), no `CLICOLOR_FORCE`, and `NO_COLOR`.
pub fn sagasu(binary: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(binary);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SAGASU_") {
            command.env_remove(name);
        }
    }
    command.env_remove("CLICOLOR_FORCE").env("NO_COLOR", "1");
    command
}
