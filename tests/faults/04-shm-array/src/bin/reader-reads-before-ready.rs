//! Fault: the reader reads the values as soon as the block exists, without
//! waiting for state = 1: it reads whatever is there, half-written or not.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_waits_for_state_1

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use shm_array::block::DONE;
use shm_array::event;
use shm_array::{mean, ReaderArgs, ReaderBlock};

fn main() -> ExitCode {
    let args = ReaderArgs::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &ReaderArgs) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_millis(args.timeout_ms);
    let block = ReaderBlock::wait_until_found(&args.name, deadline)?;
    // the mistake: no wait for state = 1 before reading
    let values = block.values()?;
    println!("mean={}", mean(values.as_slice()));
    event::signal(block.state(), DONE);
    Ok(())
}
