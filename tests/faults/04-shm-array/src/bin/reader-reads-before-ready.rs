//! Fault: the reader reads the values as soon as the block exists, without
//! waiting for state = 1: it reads whatever is there, half-written or not.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_waits_for_state_1

use std::process::ExitCode;

use shm_array::{ReaderArgs, ReaderBlock};
use shm_array_faults::{deadline, main_of, read_and_mark_done};

fn main() -> ExitCode {
    main_of(run)
}

fn run(args: &ReaderArgs) -> Result<(), String> {
    let block = ReaderBlock::wait_until_found(&args.name, deadline(args.timeout_ms))?;
    // the mistake: no wait for state = 1 before reading
    read_and_mark_done(&block)
}
