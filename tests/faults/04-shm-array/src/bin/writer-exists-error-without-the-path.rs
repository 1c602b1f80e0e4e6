//! Fault: when the block already exists the writer prints the raw OS error
//! (`File exists`), and not the file to remove (`/dev/shm/NAME`).
//!
//! replaces: shm-writer
//! rejected-by: step1_writer_refuses_an_existing_block

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use shm_array::{WriterArgs, WriterBlock};
use shm_array_faults::{fill_and_publish, seed, wait_for_reader, writer_main};

fn main() -> ExitCode {
    writer_main(run)
}

fn run(args: &WriterArgs, stop: &AtomicBool) -> Result<(), String> {
    // The mistake: the error says what failed, not what to do about it.
    let mut block = WriterBlock::create(&args.name, args.len)
        .map_err(|_| format!("cannot create the block {}: File exists", args.name))?;
    fill_and_publish(&mut block, seed(args));
    wait_for_reader(block.state(), args, stop)
}
