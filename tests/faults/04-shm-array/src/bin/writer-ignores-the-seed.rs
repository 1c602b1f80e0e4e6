//! Fault: the writer seeds its generator from the clock, whatever --seed says:
//! two runs with the same seed write different values.
//!
//! replaces: shm-writer
//! rejected-by: step2_same_seed_same_values

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::SystemTime;

use shm_array::{WriterArgs, WriterBlock};
use shm_array_faults::{fill_and_publish, wait_for_reader, writer_main};

fn main() -> ExitCode {
    writer_main(run)
}

fn run(args: &WriterArgs, stop: &AtomicBool) -> Result<(), String> {
    let mut block = WriterBlock::create(&args.name, args.len)?;
    // the mistake: --seed is parsed, and then not used
    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    fill_and_publish(&mut block, seed);
    wait_for_reader(block.state(), args, stop)
}
