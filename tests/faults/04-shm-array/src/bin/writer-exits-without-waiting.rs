//! Fault: the writer publishes the block and exits 0 at once, without waiting
//! for a reader to mark it done (and unlinks it, so a late reader finds nothing).
//!
//! replaces: shm-writer
//! rejected-by: step5_writer_times_out_without_a_reader

use std::process::ExitCode;

use clap::Parser;
use shm_array::block::READY;
use shm_array::event;
use shm_array::{mean, Values, WriterArgs, WriterBlock};

fn main() -> ExitCode {
    let args = WriterArgs::parse();
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
    ExitCode::SUCCESS // the mistake: no wait for state = 2
}
