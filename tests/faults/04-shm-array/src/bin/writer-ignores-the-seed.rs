//! Fault: the writer seeds its generator from the clock, whatever --seed says:
//! two runs with the same seed write different values.
//!
//! replaces: shm-writer
//! rejected-by: step2_same_seed_same_values

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant, SystemTime};

use clap::Parser;
use shm_array::block::{DONE, READY};
use shm_array::event::{self, Waited};
use shm_array::{mean, Values, WriterArgs, WriterBlock};

fn main() -> ExitCode {
    let args = WriterArgs::parse();
    let Ok(mut block) = WriterBlock::create(&args.name, args.len) else {
        return ExitCode::from(1);
    };
    // the mistake: --seed is parsed, and then not used
    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let values = block.values_mut();
    for (slot, value) in values.iter_mut().zip(Values::from_seed(seed)) {
        *slot = value;
    }
    println!("mean={}", mean(values));
    event::signal(block.state(), READY);
    let deadline = Instant::now() + Duration::from_millis(args.timeout_ms);
    match event::wait_for(block.state(), DONE, deadline, &AtomicBool::new(false)) {
        Waited::Arrived => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}
