//! Fault: the reader waits for the block with no timeout: with no writer it
//! never exits.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_gives_up_without_a_writer
//! within-s: 5
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::Parser;
use shm_array::block::{DONE, READY};
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
    let for_ever = Instant::now() + Duration::from_secs(365 * 24 * 3600); // the mistake: --timeout-ms unused
    let block = ReaderBlock::wait_until_found(&args.name, for_ever)?;
    if let Waited::TimedOut(_) =
        event::wait_for(block.state(), READY, for_ever, &AtomicBool::new(false))
    {
        return Err("not published".into());
    }
    let values = block.values()?;
    println!("mean={}", mean(values.as_slice()));
    event::signal(block.state(), DONE);
    Ok(())
}
