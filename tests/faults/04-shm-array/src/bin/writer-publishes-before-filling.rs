//! Fault: the writer sets state = 1 (ready) before it writes the values, then
//! fills them: a reader that reads at once sees the new block's zeros.
//!
//! replaces: shm-writer
//! rejected-by: step2_writer_publishes_a_large_block_only_when_filled

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
    event::signal(block.state(), READY); // the mistake: published while still empty
    let values = block.values_mut();
    for (slot, value) in values
        .iter_mut()
        .zip(Values::from_seed(args.seed.unwrap_or(1)))
    {
        *slot = value;
    }
    println!("mean={}", mean(values));
    let deadline = Instant::now() + Duration::from_millis(args.timeout_ms);
    match event::wait_for(block.state(), DONE, deadline, &AtomicBool::new(false)) {
        Waited::Arrived => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}
