//! Fault: the writer stores the values big-endian (the network-order habit),
//! where the contract says native byte order: a reader sees other numbers.
//!
//! replaces: shm-writer
//! rejected-by: step2_writer_publishes_values_in_0_1_and_their_mean

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use shm_array::block::READY;
use shm_array::event;
use shm_array::{mean, Values, WriterArgs, WriterBlock};
use shm_array_faults::{seed, wait_for_reader, writer_main};

fn main() -> ExitCode {
    writer_main(run)
}

fn run(args: &WriterArgs, stop: &AtomicBool) -> Result<(), String> {
    let mut block = WriterBlock::create(&args.name, args.len)?;
    let values: Vec<f64> = Values::from_seed(seed(args))
        .take(args.len as usize)
        .collect();
    for (slot, value) in block.values_mut().iter_mut().zip(&values) {
        *slot = f64::from_ne_bytes(value.to_be_bytes()); // the mistake
    }
    println!("mean={}", mean(&values));
    event::signal(block.state(), READY);
    wait_for_reader(block.state(), args, stop)
}
