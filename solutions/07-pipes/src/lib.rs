//! Exercise 07, pipes: a coordinator and its worker processes.
//!
//! The coordinator estimates π by handing out pieces of the work ([`protocol::Task`])
//! to worker processes over their stdin, and reading their answers from their
//! stdout: two pipes per worker, one each way. The pieces of the lecture:
//!
//! - [`splitmix`]: the computation, deterministic so that it can be checked;
//! - [`protocol`]: the task and answer lines, parsed strictly;
//! - [`lines`]: lines of bounded length, read from a pipe;
//! - [`worker`]: the worker's loop, and when it must flush;
//! - [`coordinator`]: spawning, handing out, reading concurrently, surviving
//!   dead workers, and leaving no zombie and no orphan behind.

pub mod coordinator;
pub mod lines;
pub mod protocol;
pub mod splitmix;
pub mod worker;

use std::path::PathBuf;

use clap::Parser;

/// A π worker: reads tasks `<id> <seed> <samples>` on stdin, one a line, and
/// answers `<id> <inside> <samples>` on stdout, in order.
#[derive(Parser, Debug)]
#[command(version)]
pub struct WorkerArgs {}

/// Estimates π with worker processes, over pipes.
#[derive(Parser, Debug, Clone)]
#[command(version)]
pub struct CoordinatorArgs {
    /// How many worker processes to start.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..))]
    pub workers: u64,
    /// How many points to draw in all.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub samples: u64,
    /// How many points a task draws (the last task may draw fewer).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub chunk: u64,
    /// The seed of task 0; task i draws from SEED + i.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The worker program (default: pi-worker, next to this program).
    #[arg(long)]
    pub worker: Option<PathBuf>,
    /// How long a worker may leave a task unanswered before it is dropped.
    #[arg(long, default_value_t = 10_000)]
    pub task_timeout_ms: u64,
}

impl CoordinatorArgs {
    /// The worker program to start.
    pub fn worker_path(&self) -> PathBuf {
        match &self.worker {
            Some(path) => path.clone(),
            None => std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join("pi-worker")))
                .unwrap_or_else(|| PathBuf::from("pi-worker")),
        }
    }
}
