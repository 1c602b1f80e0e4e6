//! Fault: the writer never unlinks its block: the name stays in /dev/shm after
//! it exits, until someone removes it or the machine reboots.
//!
//! replaces: shm-writer
//! rejected-by: step5_writer_unlinks_after_the_reader_is_done

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use shm_array::{WriterArgs, WriterBlock};
use shm_array_faults::{fill_and_publish, seed, wait_for_reader, writer_main};

fn main() -> ExitCode {
    writer_main(run)
}

fn run(args: &WriterArgs, stop: &AtomicBool) -> Result<(), String> {
    let mut block = WriterBlock::create(&args.name, args.len)?;
    fill_and_publish(&mut block, seed(args));
    let waited = wait_for_reader(block.state(), args, stop);
    std::mem::forget(block); // the mistake: no shm_unlink on the way out
    waited
}
