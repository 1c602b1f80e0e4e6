//! Fault: the reader unwraps the header check: a bad magic or version is a
//! panic (exit 101), not an `error:` line and exit 1.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_refuses_a_bad_magic_or_version

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
    let block = ReaderBlock::wait_until_found(&args.name, deadline)?;
    if let Waited::TimedOut(_) =
        event::wait_for(block.state(), READY, deadline, &AtomicBool::new(false))
    {
        return Err("not published".into());
    }
    let values = block.values().expect("a valid block"); // the mistake
    println!("mean={}", mean(values.as_slice()));
    event::signal(block.state(), DONE);
    Ok(())
}
