//! Fault: the writer opens its block with O_CREAT | O_TRUNC but no O_EXCL: an
//! existing block (another writer's, or a leftover) is cut and overwritten.
//!
//! replaces: shm-writer
//! rejected-by: step1_writer_refuses_an_existing_block

use std::fs::File;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU32};

use memmap2::MmapOptions;
use rustix::fs::Mode;
use rustix::shm;
use shm_array::block::{block_size, HEADER_SIZE, MAGIC, READY, VERSION};
use shm_array::event;
use shm_array::{mean, WriterArgs};
use shm_array_faults::{fill, seed, wait_for_reader, writer_main};

fn main() -> ExitCode {
    writer_main(run)
}

fn run(args: &WriterArgs, stop: &AtomicBool) -> Result<(), String> {
    let size = block_size(args.len).unwrap();
    let flags = shm::OFlags::CREATE | shm::OFlags::TRUNC | shm::OFlags::RDWR; // the mistake
    let file = File::from(
        shm::open(format!("/{}", args.name), flags, Mode::from_raw_mode(0o600)).unwrap(),
    );
    file.set_len(size as u64).unwrap();
    let map = MmapOptions::new().len(size).map_raw(&file).unwrap();
    // SAFETY: a fresh mapping of `size` bytes, page-aligned.
    let (header, values, state) = unsafe {
        let ptr = map.as_mut_ptr();
        (
            std::slice::from_raw_parts_mut(ptr, 24),
            std::slice::from_raw_parts_mut(ptr.add(HEADER_SIZE).cast::<f64>(), args.len as usize),
            AtomicU32::from_ptr(ptr.add(12).cast()),
        )
    };
    header[..8].copy_from_slice(&MAGIC);
    header[8..12].copy_from_slice(&VERSION.to_ne_bytes());
    header[16..24].copy_from_slice(&args.len.to_ne_bytes());
    fill(values, seed(args));
    println!("mean={}", mean(values));
    event::signal(state, READY);
    let waited = wait_for_reader(state, args, stop);
    let _ = shm::unlink(format!("/{}", args.name));
    waited
}
