//! The `incidex` binary: parse arguments, run the command, turn errors into a message and
//! an exit code. All logic lives in the library (`src/lib.rs`) and `cli/`.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}
