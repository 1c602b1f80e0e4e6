//! Fault: the writer stores the values big-endian (the network-order habit),
//! where the contract says native byte order: a reader sees other numbers.
//!
//! replaces: shm-writer
//! rejected-by: step2_writer_publishes_values_in_0_1_and_their_mean

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::Parser;
use shm_array::block::{DONE, READY};
use shm_array::event::{self, Waited};
use shm_array::{mean, Values, WriterArgs, WriterBlock};

fn main() -> ExitCode {
    let args = WriterArgs::parse();
    let Ok(mut block) = WriterBlock::create(&args.name, args.len) else {
        return ExitCode::from(1);
    };
    let values: Vec<f64> = Values::from_seed(args.seed.unwrap_or(1))
        .take(args.len as usize)
        .collect();
    for (slot, value) in block.values_mut().iter_mut().zip(&values) {
        *slot = f64::from_ne_bytes(value.to_be_bytes()); // the mistake
    }
    println!("mean={}", mean(&values));
    event::signal(block.state(), READY);
    let deadline = Instant::now() + Duration::from_millis(args.timeout_ms);
    match event::wait_for(block.state(), DONE, deadline, &AtomicBool::new(false)) {
        Waited::Arrived => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}
