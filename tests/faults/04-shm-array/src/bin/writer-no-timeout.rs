//! Fault: the writer waits for a reader with no timeout: with no reader it
//! never exits, and its block stays until someone kills it.
//!
//! replaces: shm-writer
//! rejected-by: step5_writer_times_out_without_a_reader
//! within-s: 6

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use shm_array::block::DONE;
use shm_array::event::{self, Waited};
use shm_array::{WriterArgs, WriterBlock};
use shm_array_faults::{fill_and_publish, seed, writer_main};

fn main() -> ExitCode {
    writer_main(run)
}

fn run(args: &WriterArgs, stop: &AtomicBool) -> Result<(), String> {
    let mut block = WriterBlock::create(&args.name, args.len)?;
    fill_and_publish(&mut block, seed(args));
    let for_ever = Instant::now() + Duration::from_secs(365 * 24 * 3600); // the mistake
    match event::wait_for(block.state(), DONE, for_ever, stop) {
        Waited::Arrived => Ok(()),
        _ => Err("interrupted".into()),
    }
}
