//! Fault: the reader waits for the block with no timeout: with no writer it
//! never exits.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_gives_up_without_a_writer
//! within-s: 5

use std::process::ExitCode;
use std::time::{Duration, Instant};

use shm_array::{ReaderArgs, ReaderBlock};
use shm_array_faults::{main_of, read_and_mark_done, wait_until_published};

fn main() -> ExitCode {
    main_of(run)
}

fn run(args: &ReaderArgs) -> Result<(), String> {
    let for_ever = Instant::now() + Duration::from_secs(365 * 24 * 3600); // the mistake: --timeout-ms unused
    let block = ReaderBlock::wait_until_found(&args.name, for_ever)?;
    wait_until_published(&block, for_ever)?;
    read_and_mark_done(&block)
}
