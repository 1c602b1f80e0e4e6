//! Fault: the writer prints its mean with `{:.6}`, not `{}`: the reader, which
//! prints the same mean with `{}`, shows another line.
//!
//! replaces: shm-writer
//! rejected-by: step2_writer_publishes_values_in_0_1_and_their_mean

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
    let values = block.values_mut();
    fill(values, seed(args));
    println!("mean={:.6}", mean(values)); // the mistake
    event::signal(block.state(), READY);
    wait_for_reader(block.state(), args, stop)
}
