//! Fault: without `--worker`, the coordinator starts `./pi-worker`, relative
//! to the directory it was started from, not its own: started from anywhere
//! but the directory of its build, it finds no worker.
//!
//! replaces: pi-coordinator
//! rejected-by: step2_without_worker_it_starts_the_pi_worker_in_its_own_directory

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use pipes::CoordinatorArgs;

fn main() -> ExitCode {
    let mut args = CoordinatorArgs::parse();
    // The mistake: a path relative to the current directory.
    args.worker
        .get_or_insert_with(|| PathBuf::from("./pi-worker"));
    pipes::coordinator::main(&args)
}
