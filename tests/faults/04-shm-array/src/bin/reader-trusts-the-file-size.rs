//! Fault: the reader ignores `len` and reads as many values as the file holds
//! ((size - 64) / 8): a len larger than the block goes unnoticed, and a block
//! larger than its values adds junk to the mean.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_refuses_a_len_larger_than_the_block

use std::fs::File;
use std::process::ExitCode;

use memmap2::Mmap;
use shm_array::block::{shm_path, HEADER_SIZE};
use shm_array::{mean, ReaderArgs};
use shm_array_faults::{attach, main_of, print_mean_and_mark_done};

fn main() -> ExitCode {
    main_of(run)
}

fn run(args: &ReaderArgs) -> Result<(), String> {
    let block = attach(args)?;
    let file = File::open(shm_path(&args.name)).unwrap();
    // SAFETY: the writer no longer changes the block once it is published.
    let map = unsafe { Mmap::map(&file) }.unwrap();
    let count = (map.len() - HEADER_SIZE) / 8; // the mistake: the file's size, not len
    let values: &[f64] = bytemuck::cast_slice(&map[HEADER_SIZE..HEADER_SIZE + 8 * count]);
    print_mean_and_mark_done(&block, mean(values));
    Ok(())
}
