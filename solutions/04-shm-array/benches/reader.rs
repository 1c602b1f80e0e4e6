//! Reader throughput on a 4,000,000-value block (32 MB), against a plain sum
//! of a `Vec<f64>` of the same values in the same run: the memory-bandwidth
//! limit. Run it with `bench/shm-array/run.sh` (or `cargo bench -p
//! shm-array-solution --bench reader`).
//!
//! Three figures, each the best and the median of `RUNS` runs:
//! - `shm-reader`: the reference reader as a program, spawn to exit (start-up,
//!   attach, map, sum, print);
//! - attach + sum: the reader's path in this process (open, map, sum), the
//!   cost of reading shared memory without the program around it;
//! - `Vec<f64>` sum: the same loop over memory this process already has.

use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use shm_array::block::READY;
use shm_array::{event, mean, ReaderBlock, Values, WriterBlock};

const LEN: usize = 4_000_000;
const RUNS: usize = 15;
/// No figure takes more than this, whatever the machine.
const BUDGET: Duration = Duration::from_secs(20);

fn main() {
    // run.sh names the block, so that it can remove it if this is killed.
    let name = std::env::var("IPC_KIT_BENCH_NAME")
        .unwrap_or_else(|_| format!("ipc-kit-bench-{}", std::process::id()));
    let mut block = WriterBlock::create(&name, LEN as u64).expect("create the block");
    let values = block.values_mut();
    for (slot, value) in values.iter_mut().zip(Values::from_seed(1)) {
        *slot = value;
    }
    let expected = format!("mean={}", mean(values));
    let vec: Vec<f64> = values.to_vec();
    let bytes = (8 * LEN) as f64;

    let program = time(|| {
        block.state().store(READY, Ordering::Release);
        let out = Command::new(env!("CARGO_BIN_EXE_shm-reader"))
            .args(["--name", &name, "--timeout-ms", "5000"])
            .stderr(Stdio::inherit())
            .output()
            .expect("run shm-reader");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            expected,
            "shm-reader's mean"
        );
    });
    let in_process = time(|| {
        event::signal(block.state(), READY);
        let reader = ReaderBlock::find(&name).unwrap().expect("the block");
        let mapped = reader.values().expect("a valid block");
        assert_eq!(format!("mean={}", mean(mapped.as_slice())), expected);
    });
    let vec_sum = time(|| {
        assert_eq!(
            format!("mean={}", mean(std::hint::black_box(&vec))),
            expected
        );
    });
    drop(block); // unlinks it

    println!(
        "{LEN} values ({:.0} MB), best and median of {RUNS} runs",
        bytes / 1e6
    );
    for (what, (best, median)) in [
        ("shm-reader, spawn to exit", program),
        ("attach + map + sum, in process", in_process),
        ("Vec<f64> sum (the baseline)", vec_sum),
    ] {
        println!(
            "  {what:<32} best {:>8.2} ms  {:>6.2} GB/s   median {:>8.2} ms  {:>6.2} GB/s",
            best * 1e3,
            bytes / best / 1e9,
            median * 1e3,
            bytes / median / 1e9,
        );
    }
    println!(
        "ratio to the Vec<f64> sum (best): shm-reader {:.2}, attach + sum {:.2}",
        vec_sum.0 / program.0,
        vec_sum.0 / in_process.0,
    );
}

/// The best and median seconds of up to `RUNS` runs of `f`, within `BUDGET`.
fn time(mut f: impl FnMut()) -> (f64, f64) {
    let start = Instant::now();
    let mut seconds = Vec::new();
    while seconds.len() < RUNS && start.elapsed() < BUDGET {
        let t = Instant::now();
        f();
        seconds.push(t.elapsed().as_secs_f64());
    }
    seconds.sort_by(f64::total_cmp);
    (seconds[0], seconds[seconds.len() / 2])
}
