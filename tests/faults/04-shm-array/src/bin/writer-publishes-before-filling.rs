//! Fault: the writer sets state = 1 (ready) before it writes the values, then
//! fills them: a reader that reads at once sees the new block's zeros.
//!
//! replaces: shm-writer
//! rejected-by: step2_writer_publishes_a_large_block_only_when_filled

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use shm_array::block::READY;
use shm_array::event;
use shm_array::{mean, WriterArgs, WriterBlock};
use shm_array_faults::{fill, seed, wait_for_reader, writer_main};

fn main() -> ExitCode {
    writer_main(run)
}

fn run(args: &WriterArgs, stop: &AtomicBool) -> Result<(), String> {
    let mut block = WriterBlock::create(&args.name, args.len)?;
    event::signal(block.state(), READY); // the mistake: published while still empty
    let values = block.values_mut();
    fill(values, seed(args));
    println!("mean={}", mean(values));
    wait_for_reader(block.state(), args, stop)
}
