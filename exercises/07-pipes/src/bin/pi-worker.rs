//! pi-worker: answers π tasks on stdin and stdout. Your task is in README.md, step 1.

use clap::Parser;

/// A π worker: reads tasks `<id> <seed> <samples>` on stdin, one a line, and
/// answers `<id> <inside> <samples>` on stdout, in order.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {}

fn main() {
    let _args = Args::parse();
    // Ready for you: pipes::count_inside(seed, samples).
    todo!("README step 1: read task lines from stdin, answer each on stdout, flush when no more input is waiting");
}
