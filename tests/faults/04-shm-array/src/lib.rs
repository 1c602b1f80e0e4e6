//! What the faulty writers and readers share with each other, so that each
//! fault file holds only its own mistake: the rest is the reference
//! solution's, step by step.
//!
//! - [`main_of`]: the solutions' `main`, around any `run`, and
//!   [`writer_main`], which also turns SIGINT and SIGTERM into a stop flag;
//! - the writer's steps: [`fill`], [`fill_and_publish`], [`wait_for_reader`];
//! - the reader's steps: [`attach`] ([`wait_until_published`] after
//!   [`ReaderBlock::wait_until_found`]), then [`read_and_mark_done`] or
//!   [`print_mean_and_mark_done`].

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU32};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use shm_array::block::{DONE, READY};
use shm_array::event::{self, Waited};
use shm_array::{mean, ReaderArgs, ReaderBlock, Values, WriterArgs, WriterBlock};
use signal_hook::consts::{SIGINT, SIGTERM};

/// Parses the command line and runs `run`, as the solutions' `main` does:
/// an error is an `error: …` line on stderr and exit code 1.
pub fn main_of<A: Parser>(run: impl FnOnce(&A) -> Result<(), String>) -> ExitCode {
    match run(&A::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

/// The writer's `main`, as the solution's: SIGINT and SIGTERM, from before
/// the block exists, only set the flag that `run` is given to wait with.
pub fn writer_main(run: fn(&WriterArgs, &AtomicBool) -> Result<(), String>) -> ExitCode {
    main_of(|args: &WriterArgs| {
        let stop = Arc::new(AtomicBool::new(false));
        for signal in [SIGINT, SIGTERM] {
            signal_hook::flag::register(signal, Arc::clone(&stop))
                .map_err(|err| err.to_string())?;
        }
        run(args, &stop)
    })
}

/// When `timeout_ms` from now is up.
pub fn deadline(timeout_ms: u64) -> Instant {
    Instant::now() + Duration::from_millis(timeout_ms)
}

// ---------------------------------------------------------------- the writer

/// The seed of `--seed`, 1 when none is given (the solution takes the clock;
/// the faults are tested with a seed).
pub fn seed(args: &WriterArgs) -> u64 {
    args.seed.unwrap_or(1)
}

/// Fills `values` with the pseudo-random values of `seed`.
pub fn fill(values: &mut [f64], seed: u64) {
    for (slot, value) in values.iter_mut().zip(Values::from_seed(seed)) {
        *slot = value;
    }
}

/// The writer's step 2, as the solution does it: fill, print the mean, and
/// only then publish (state = 1, Release).
pub fn fill_and_publish(block: &mut WriterBlock, seed: u64) {
    let values = block.values_mut();
    fill(values, seed);
    println!("mean={}", mean(values));
    event::signal(block.state(), READY);
}

/// The writer's step 5, as the solution does it: waits until a reader marks
/// the block done, `--timeout-ms` passes, or `stop` is set.
pub fn wait_for_reader(
    state: &AtomicU32,
    args: &WriterArgs,
    stop: &AtomicBool,
) -> Result<(), String> {
    match event::wait_for(state, DONE, deadline(args.timeout_ms), stop) {
        Waited::Arrived => Ok(()),
        Waited::TimedOut(state) => Err(format!(
            "no reader marked the block {} done within {} ms (state is still {state})",
            args.name, args.timeout_ms
        )),
        Waited::Stopped => Err("interrupted".into()),
    }
}

// ---------------------------------------------------------------- the reader

/// The reader's step 3, as the solution does it: waits until the block
/// exists, then until it is published, both within `--timeout-ms`.
pub fn attach(args: &ReaderArgs) -> Result<ReaderBlock, String> {
    let deadline = deadline(args.timeout_ms);
    let block = ReaderBlock::wait_until_found(&args.name, deadline)?;
    wait_until_published(&block, deadline)?;
    Ok(block)
}

/// Waits until `block` shows state = 1 (Acquire), or `deadline` passes.
pub fn wait_until_published(block: &ReaderBlock, deadline: Instant) -> Result<(), String> {
    let never = AtomicBool::new(false);
    match event::wait_for(block.state(), READY, deadline, &never) {
        Waited::TimedOut(state) => Err(format!(
            "the block was not published in time (state is still {state})"
        )),
        Waited::Arrived | Waited::Stopped => Ok(()),
    }
}

/// The reader's step 4, as the solution does it: checks the header, reads
/// the values, prints their mean and marks the block done.
pub fn read_and_mark_done(block: &ReaderBlock) -> Result<(), String> {
    let values = block.values()?;
    print_mean_and_mark_done(block, mean(values.as_slice()));
    Ok(())
}

/// Prints `mean=<mean>`, then sets state = 2 (Release).
pub fn print_mean_and_mark_done(block: &ReaderBlock, mean: f64) {
    println!("mean={mean}");
    event::signal(block.state(), DONE);
}
