//! Fault: the writer publishes the block and exits 0 at once, without waiting
//! for a reader to mark it done (and unlinks it, so a late reader finds nothing).
//!
//! replaces: shm-writer
//! rejected-by: step5_writer_times_out_without_a_reader

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use shm_array::{WriterArgs, WriterBlock};
use shm_array_faults::{fill_and_publish, seed, writer_main};

fn main() -> ExitCode {
    writer_main(run)
}

fn run(args: &WriterArgs, _stop: &AtomicBool) -> Result<(), String> {
    let mut block = WriterBlock::create(&args.name, args.len)?;
    fill_and_publish(&mut block, seed(args));
    Ok(()) // the mistake: no wait for state = 2
}
