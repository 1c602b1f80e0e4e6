//! Fault: the reader takes a block smaller than its header for a broken one
//! and gives up, where it is a writer still sizing it (between shm_open and
//! ftruncate): that is "not yet", to be waited for.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_started_before_the_writer

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use shm_array::block::{shm_path, DONE, HEADER_SIZE, READY};
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
    let block = loop {
        if let Ok(meta) = std::fs::metadata(shm_path(&args.name)) {
            if meta.len() < HEADER_SIZE as u64 {
                return Err(format!(
                    "the block is only {} bytes: not a block",
                    meta.len()
                )); // the mistake
            }
            if let Some(block) = ReaderBlock::find(&args.name)? {
                break block;
            }
        }
        if Instant::now() >= deadline {
            return Err("no block".into());
        }
        thread::sleep(Duration::from_millis(2)); // pace: polling for the name
    };
    if let Waited::TimedOut(_) =
        event::wait_for(block.state(), READY, deadline, &AtomicBool::new(false))
    {
        return Err("not published".into());
    }
    let values = block.values()?;
    println!("mean={}", mean(values.as_slice()));
    event::signal(block.state(), DONE);
    Ok(())
}
