//! Fault: the reader unwraps the header check: a bad magic or version is a
//! panic (exit 101), not an `error:` line and exit 1.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_refuses_a_bad_magic_or_version

use std::process::ExitCode;

use shm_array::{mean, ReaderArgs};
use shm_array_faults::{attach, main_of, print_mean_and_mark_done};

fn main() -> ExitCode {
    main_of(run)
}

fn run(args: &ReaderArgs) -> Result<(), String> {
    let block = attach(args)?;
    let values = block.values().expect("a valid block"); // the mistake
    print_mean_and_mark_done(&block, mean(values.as_slice()));
    Ok(())
}
