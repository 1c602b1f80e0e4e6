//! shm-writer: creates a block of float64 values in named shared memory,
//! fills it, publishes it, and waits for a reader to mark it done.
//!
//! Cleaning up is the writer's job: a name in /dev/shm outlives every process
//! that used it, until someone unlinks it or the machine reboots. The block
//! is unlinked when [`WriterBlock`] is dropped, so every way out of `run`
//! removes it, and SIGINT and SIGTERM are turned into a way out: by default
//! they kill the process on the spot, and no destructor runs.

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use clap::Parser;
use shm_array::block::{DONE, READY};
use shm_array::event::{self, Waited};
use shm_array::{mean, Values, WriterArgs, WriterBlock};

fn main() -> ExitCode {
    let args = WriterArgs::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &WriterArgs) -> Result<(), String> {
    // Before the block exists: a signal from here on only sets the flag, and
    // the wait below notices it and returns, which unlinks the block.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).map_err(|err| err.to_string())?;
    }

    // Step 1: create and map.
    let mut block = WriterBlock::create(&args.name, args.len)?;

    // Step 2: fill, then publish. The Release store is what makes the values
    // visible to a reader that loads the state with Acquire: it must come last.
    let seed = args.seed.unwrap_or_else(seed_from_clock);
    let values = block.values_mut();
    for (slot, value) in values.iter_mut().zip(Values::from_seed(seed)) {
        *slot = value;
    }
    println!("mean={}", mean(values));
    event::signal(block.state(), READY);

    // Step 5: wait for the reader, then let `block` go (unlinking it).
    let deadline = Instant::now() + Duration::from_millis(args.timeout_ms);
    match event::wait_for(block.state(), DONE, deadline, &stop) {
        Waited::Arrived => Ok(()),
        Waited::TimedOut(state) => Err(format!(
            "no reader marked the block done within {} ms (state is still {state})",
            args.timeout_ms
        )),
        Waited::Stopped => Err("interrupted".into()),
    }
}

/// A seed that differs from run to run, for when none is given.
fn seed_from_clock() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    nanos as u64 ^ u64::from(std::process::id()) << 32
}
