//! Fault: the reader computes a running mean (m += (x - m) / n), not the
//! left-to-right sum divided by len that the contract defines: on values of
//! very different sizes it prints another number.
//!
//! replaces: shm-reader
//! rejected-by: step4_reader_prints_the_mean_and_marks_the_block_done

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::Parser;
use shm_array::block::{DONE, READY};
use shm_array::event::{self, Waited};
use shm_array::{ReaderArgs, ReaderBlock};

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
    let mut running = 0.0;
    for (i, x) in values.as_slice().iter().enumerate() {
        running += (x - running) / (i + 1) as f64; // the mistake
    }
    println!("mean={running}");
    event::signal(block.state(), DONE);
    Ok(())
}
