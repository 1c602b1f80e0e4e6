//! Fault: the reader trusts `len` and never compares 64 + 8 × len with the
//! size of the block (and computes it with wrapping arithmetic): a len larger
//! than the block reads past its end, and 2^61 wraps round to a tiny mapping.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_refuses_a_len_larger_than_the_block

use std::fs::File;
use std::process::ExitCode;

use memmap2::MmapOptions;
use shm_array::block::{shm_path, HEADER_SIZE};
use shm_array::{mean, ReaderArgs};
use shm_array_faults::{attach, main_of, print_mean_and_mark_done};

fn main() -> ExitCode {
    main_of(run)
}

fn run(args: &ReaderArgs) -> Result<(), String> {
    let block = attach(args)?;
    let file = File::open(shm_path(&args.name)).unwrap();
    let header = MmapOptions::new()
        .len(HEADER_SIZE)
        .map_raw_read_only(&file)
        .unwrap();
    // SAFETY: none, which is the point of this fault.
    let len = unsafe { header.as_ptr().add(16).cast::<u64>().read() };
    let size = (HEADER_SIZE as u64).wrapping_add(len.wrapping_mul(8)) as usize; // the mistake
    let map = MmapOptions::new()
        .len(size)
        .map_raw_read_only(&file)
        .unwrap();
    // SAFETY: none: `len` was never checked against the block.
    let values = unsafe {
        std::slice::from_raw_parts(map.as_ptr().add(HEADER_SIZE).cast::<f64>(), len as usize)
    };
    print_mean_and_mark_done(&block, mean(values));
    Ok(())
}
