//! Fault: the reader prints the mean but never sets state = 2: the writer
//! waits for it until its timeout, and fails.
//!
//! replaces: shm-reader
//! rejected-by: step4_reader_prints_the_mean_and_marks_the_block_done

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::Parser;
use shm_array::block::READY;
use shm_array::event::{self, Waited};
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
    if let Waited::TimedOut(_) =
        event::wait_for(block.state(), READY, deadline, &AtomicBool::new(false))
    {
        return Err("not published".into());
    }
    let values = block.values()?;
    println!("mean={}", mean(values.as_slice()));
    // the mistake: state = 2 (done) is never stored
    Ok(())
}
