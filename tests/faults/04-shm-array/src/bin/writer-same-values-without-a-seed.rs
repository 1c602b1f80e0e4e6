//! Fault: without --seed the writer seeds its generator with a constant, so
//! every run without a seed writes the same values (the clock was meant).
//!
//! replaces: shm-writer
//! rejected-by: step2_without_a_seed_each_run_differs
//! accepted-by: step2_same_seed_same_values

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use shm_array::{WriterArgs, WriterBlock};
use shm_array_faults::{fill_and_publish, seed, wait_for_reader, writer_main};

fn main() -> ExitCode {
    writer_main(run)
}

fn run(args: &WriterArgs, stop: &AtomicBool) -> Result<(), String> {
    let mut block = WriterBlock::create(&args.name, args.len)?;
    // The mistake: `seed` falls back to 1, not to the clock.
    fill_and_publish(&mut block, seed(args));
    wait_for_reader(block.state(), args, stop)
}
