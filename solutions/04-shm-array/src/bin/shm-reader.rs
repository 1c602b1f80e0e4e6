//! shm-reader: waits for a published block in named shared memory, reads its
//! values as `&[f64]`, prints their mean and marks the block done.
//!
//! The reader may start before the writer, or find the block while the writer
//! is still sizing it: both mean "not yet", and it waits, polling for the name
//! with a growing pause ([`ReaderBlock::wait_until_found`]), then sleeping on
//! the state field. Everything in the
//! block comes from another program, so the header is checked before any
//! value is read.

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
    let deadline = Instant::now() + Duration::from_millis(args.timeout_ms);

    // Step 3: attach, and wait for the block to be published.
    let block = ReaderBlock::wait_until_found(&args.name, deadline)?;
    let never = AtomicBool::new(false);
    if let Waited::TimedOut(state) = event::wait_for(block.state(), READY, deadline, &never) {
        return Err(format!(
            "the block {} was not published within {} ms (state is still {state})",
            args.name, args.timeout_ms
        ));
    }

    // Step 4: read the values as &[f64], average them, and say we are done.
    let values = block.values()?;
    println!("mean={}", mean(values.as_slice()));
    event::signal(block.state(), DONE);
    Ok(())
}
