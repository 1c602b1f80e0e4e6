//! Fault: the writer waits for the reader by loading the state as fast as it
//! can, with no sleep between looks: it burns a core for as long as it waits.
//!
//! replaces: shm-writer
//! rejected-by: step5_the_writer_waits_without_burning_a_core
//! accepted-by: step5_writer_unlinks_after_the_reader_is_done

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use shm_array::block::DONE;
use shm_array::{WriterArgs, WriterBlock};
use shm_array_faults::{deadline, fill_and_publish, seed, writer_main};

fn main() -> ExitCode {
    writer_main(run)
}

fn run(args: &WriterArgs, stop: &AtomicBool) -> Result<(), String> {
    let mut block = WriterBlock::create(&args.name, args.len)?;
    fill_and_publish(&mut block, seed(args));
    let until = deadline(args.timeout_ms);
    // The mistake: a loop with no sleep in it.
    while block.state().load(Ordering::Acquire) != DONE {
        if stop.load(Ordering::Relaxed) {
            return Err("interrupted".into());
        }
        if std::time::Instant::now() >= until {
            return Err(format!("no reader marked the block {} done", args.name));
        }
    }
    Ok(())
}
