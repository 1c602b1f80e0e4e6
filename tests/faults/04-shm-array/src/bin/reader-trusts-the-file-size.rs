//! Fault: the reader ignores `len` and reads as many values as the file holds
//! ((size - 64) / 8): a len larger than the block goes unnoticed, and a block
//! larger than its values adds junk to the mean.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_refuses_a_len_larger_than_the_block

use std::fs::File;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::Parser;
use memmap2::Mmap;
use shm_array::block::{shm_path, DONE, HEADER_SIZE, READY};
use shm_array::event::{self, Waited};
use shm_array::{mean, ReaderArgs, ReaderBlock};

fn main() -> ExitCode {
    let args = ReaderArgs::parse();
    let deadline = Instant::now() + Duration::from_millis(args.timeout_ms);
    let Ok(block) = ReaderBlock::wait_until_found(&args.name, deadline) else {
        return ExitCode::from(1);
    };
    if let Waited::TimedOut(_) =
        event::wait_for(block.state(), READY, deadline, &AtomicBool::new(false))
    {
        return ExitCode::from(1);
    }
    let file = File::open(shm_path(&args.name)).unwrap();
    // SAFETY: the writer no longer changes the block once it is published.
    let map = unsafe { Mmap::map(&file) }.unwrap();
    let count = (map.len() - HEADER_SIZE) / 8; // the mistake: the file's size, not len
    let values: &[f64] = bytemuck::cast_slice(&map[HEADER_SIZE..HEADER_SIZE + 8 * count]);
    println!("mean={}", mean(values));
    event::signal(block.state(), DONE);
    ExitCode::SUCCESS
}
