//! pi-coordinator: estimates π with N worker processes, over pipes. Your task
//! is in README.md, steps 2 to 6.

use std::path::PathBuf;

use clap::Parser;

/// Estimates π with worker processes, over pipes.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How many worker processes to start.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..))]
    workers: u64,
    /// How many points to draw in all.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    samples: u64,
    /// How many points a task draws (the last task may draw fewer).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    chunk: u64,
    /// The seed of task 0; task i draws from SEED + i.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The worker program (default: pi-worker, next to this program).
    #[arg(long)]
    worker: Option<PathBuf>,
    /// How long a worker may leave a task unanswered before it is dropped.
    #[arg(long, default_value_t = 10_000)]
    task_timeout_ms: u64,
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 2: spawn {} worker(s) ({:?}) with piped stdin and stdout, hand out the tasks of {} samples, sum the answers",
        args.workers,
        args.worker,
        args.samples
    );
}
