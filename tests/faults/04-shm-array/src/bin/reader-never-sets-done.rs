//! Fault: the reader prints the mean but never sets state = 2: the writer
//! waits for it until its timeout, and fails.
//!
//! replaces: shm-reader
//! rejected-by: step4_reader_prints_the_mean_and_marks_the_block_done

use std::process::ExitCode;

use shm_array::{mean, ReaderArgs};
use shm_array_faults::{attach, main_of};

fn main() -> ExitCode {
    main_of(run)
}

fn run(args: &ReaderArgs) -> Result<(), String> {
    let block = attach(args)?;
    let values = block.values()?;
    println!("mean={}", mean(values.as_slice()));
    // the mistake: state = 2 (done) is never stored
    Ok(())
}
