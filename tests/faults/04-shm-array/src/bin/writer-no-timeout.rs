//! Fault: the writer waits for a reader with no timeout: with no reader it
//! never exits, and its block stays until someone kills it.
//!
//! replaces: shm-writer
//! rejected-by: step5_writer_times_out_without_a_reader
//! within-s: 6

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
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).unwrap();
    }
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
    let for_ever = Instant::now() + Duration::from_secs(365 * 24 * 3600); // the mistake
    match event::wait_for(block.state(), DONE, for_ever, &stop) {
        Waited::Arrived => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}
