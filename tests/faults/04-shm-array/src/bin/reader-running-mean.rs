//! Fault: the reader computes a running mean (m += (x - m) / n), not the
//! left-to-right sum divided by len that the contract defines: on values of
//! very different sizes it prints another number.
//!
//! replaces: shm-reader
//! rejected-by: step4_reader_prints_the_mean_and_marks_the_block_done

use std::process::ExitCode;

use shm_array::ReaderArgs;
use shm_array_faults::{attach, main_of, print_mean_and_mark_done};

fn main() -> ExitCode {
    main_of(run)
}

fn run(args: &ReaderArgs) -> Result<(), String> {
    let block = attach(args)?;
    let values = block.values()?;
    let mut running = 0.0;
    for (i, x) in values.as_slice().iter().enumerate() {
        running += (x - running) / (i + 1) as f64; // the mistake
    }
    print_mean_and_mark_done(&block, running);
    Ok(())
}
