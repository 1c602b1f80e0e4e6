//! Fault: the writer handles Ctrl-C (SIGINT) only: SIGTERM still kills it on
//! the spot, no destructor runs, and its block stays in /dev/shm.
//!
//! replaces: shm-writer
//! rejected-by: step5_writer_unlinks_on_sigterm

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use shm_array::{WriterArgs, WriterBlock};
use shm_array_faults::{fill_and_publish, main_of, seed, wait_for_reader};

fn main() -> ExitCode {
    main_of(run)
}

fn run(args: &WriterArgs) -> Result<(), String> {
    let stop = Arc::new(AtomicBool::new(false));
    // the mistake: SIGINT only, as `ctrlc` does without its `termination` feature
    signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&stop))
        .map_err(|err| err.to_string())?;
    let mut block = WriterBlock::create(&args.name, args.len)?;
    fill_and_publish(&mut block, seed(args));
    wait_for_reader(block.state(), args, &stop)
}
