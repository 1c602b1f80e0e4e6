//! Fault: the writer handles Ctrl-C (SIGINT) only: SIGTERM still kills it on
//! the spot, no destructor runs, and its block stays in /dev/shm.
//!
//! replaces: shm-writer
//! rejected-by: step5_writer_unlinks_on_sigterm

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use shm_array::block::{DONE, READY};
use shm_array::event::{self, Waited};
use shm_array::{mean, Values, WriterArgs, WriterBlock};

fn main() -> ExitCode {
    let args = WriterArgs::parse();
    let stop = Arc::new(AtomicBool::new(false));
    // the mistake: SIGINT only, as `ctrlc` does without its `termination` feature
    signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&stop)).unwrap();
    let Ok(mut block) = WriterBlock::create(&args.name, args.len) else {
        return ExitCode::from(1);
    };
    let values = block.values_mut();
    for (slot, value) in values
        .iter_mut()
        .zip(Values::from_seed(args.seed.unwrap_or(1)))
    {
        *slot = value;
    }
    println!("mean={}", mean(values));
    event::signal(block.state(), READY);
    let deadline = Instant::now() + Duration::from_millis(args.timeout_ms);
    match event::wait_for(block.state(), DONE, deadline, &stop) {
        Waited::Arrived => ExitCode::SUCCESS,
        _ => {
            eprintln!("error: interrupted or timed out");
            ExitCode::from(1)
        }
    }
}
