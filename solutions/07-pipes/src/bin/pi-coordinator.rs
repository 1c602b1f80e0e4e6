//! pi-coordinator: estimates π with N worker processes, talking to each over
//! two pipes (its stdin and its stdout). Try it:
//!
//! ```text
//! $ cargo run -q --bin pi-coordinator -- --workers 2 --samples 1000000
//! pi=3.138764 inside=784691 samples=1000000 workers=2
//! ```

use std::process::ExitCode;

use clap::Parser;
use pipes::CoordinatorArgs;

fn main() -> ExitCode {
    pipes::coordinator::main(&CoordinatorArgs::parse())
}
