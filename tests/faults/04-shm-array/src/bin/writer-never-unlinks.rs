//! Fault: the writer never unlinks its block: the name stays in /dev/shm after
//! it exits, until someone removes it or the machine reboots.
//!
//! replaces: shm-writer
//! rejected-by: step5_writer_unlinks_after_the_reader_is_done

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::Parser;
use shm_array::block::{DONE, READY};
use shm_array::event::{self, Waited};
use shm_array::{mean, Values, WriterArgs, WriterBlock};

fn main() -> ExitCode {
    let args = WriterArgs::parse();
    let Ok(mut block) = WriterBlock::create(&args.name, args.len) else {
        return ExitCode::from(1);
    };
    let values = block.values_mut();
    for (slot, value) in values
        .iter_mut()
        .zip(Values::from_seed(args.seed.unwrap_or(1)))
    {
        *slot = value;
    }
    println!("mean={}", mean(values));
    event::signal(block.state(), READY);
    let deadline = Instant::now() + Duration::from_millis(args.timeout_ms);
    let waited = event::wait_for(block.state(), DONE, deadline, &AtomicBool::new(false));
    std::mem::forget(block); // the mistake: no shm_unlink on the way out
    match waited {
        Waited::Arrived => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}
