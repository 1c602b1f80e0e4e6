//! Fault: the reader takes a block smaller than its header for a broken one
//! and gives up, where it is a writer still sizing it (between shm_open and
//! ftruncate): that is "not yet", to be waited for.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_started_before_the_writer

use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use shm_array::block::{shm_path, HEADER_SIZE};
use shm_array::{ReaderArgs, ReaderBlock};
use shm_array_faults::{deadline, main_of, read_and_mark_done, wait_until_published};

fn main() -> ExitCode {
    main_of(run)
}

fn run(args: &ReaderArgs) -> Result<(), String> {
    let deadline = deadline(args.timeout_ms);
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
    wait_until_published(&block, deadline)?;
    read_and_mark_done(&block)
}
