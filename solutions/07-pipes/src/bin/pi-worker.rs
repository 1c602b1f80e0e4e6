//! pi-worker: answers π tasks, one line in, one line out, on stdin and stdout.
//! Started by pi-coordinator with both ends piped; try it by hand:
//!
//! ```text
//! $ printf '0 1 1000000\n' | cargo run -q --bin pi-worker
//! 0 784691 1000000
//! ```

use std::io;
use std::process::ExitCode;

use clap::Parser;
use pipes::WorkerArgs;

fn main() -> ExitCode {
    WorkerArgs::parse();
    match pipes::worker::serve(io::stdin().lock(), io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        // Its coordinator went away (EPIPE on stdout): nobody to answer to.
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}
