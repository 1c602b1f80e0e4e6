//! Reader throughput on a 4,000,000-value block (32 MB), against C doing the
//! same work and a plain sum of a `Vec<f64>` of the same values, in the same
//! run. Run it with `bench/shm-array/run.sh`, which builds the C reader
//! (`bench/shm-array/reader.c`) and passes it as `IPC_KIT_BENCH_C_READER`.
//!
//! Five figures, each the best and the median of `RUNS` rounds; every round
//! runs each figure once, in turn, so that other work on the machine falls on
//! all of them alike:
//! - `shm-reader`: the reader as a program, spawn to exit (start-up, attach,
//!   map, sum, print); `IPC_KIT_BIN_SHM_READER` runs yours instead;
//! - the C reader, spawn to exit: the same, with nothing around it;
//! - attach + sum: the reader's path in this process (open, map, sum, unmap),
//!   the cost of reading shared memory without the program around it;
//! - the C reader's attach + sum, timed by itself (`--loop 1`);
//! - `Vec<f64>` sum: the same loop over memory this process already has.

use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use shm_array::block::READY;
use shm_array::{event, mean, ReaderBlock, Values, WriterBlock};

const LEN: usize = 4_000_000;
const RUNS: usize = 15;
/// The rounds stop after this, whatever the machine.
const BUDGET: Duration = Duration::from_secs(30);

/// One figure: its name, and what runs it once and says how many seconds it took.
type Figure<'a> = (&'static str, Box<dyn FnMut() -> f64 + 'a>);

fn main() {
    // run.sh names the block, so that it can remove it if this is killed.
    let name = std::env::var("IPC_KIT_BENCH_NAME")
        .unwrap_or_else(|_| format!("ipc-kit-bench-{}", std::process::id()));
    let reader = std::env::var("IPC_KIT_BIN_SHM_READER")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_shm-reader").to_string());
    let c_reader = std::env::var("IPC_KIT_BENCH_C_READER").ok();
    let mut block = WriterBlock::create(&name, LEN as u64).expect("create the block");
    let values = block.values_mut();
    for (slot, value) in values.iter_mut().zip(Values::from_seed(1)) {
        *slot = value;
    }
    let expected = mean(values);
    let vec: Vec<f64> = values.to_vec();
    let bytes = (8 * LEN) as f64;
    let block = &block;

    // Runs a program that prints `mean=...`, and checks the mean.
    let run = |program: &str, args: &[&str]| -> String {
        block.state().store(READY, Ordering::Release);
        let out = Command::new(program)
            .args(args)
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|err| panic!("cannot run {program}: {err}"));
        assert!(out.status.success(), "{program} failed");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let check = |out: &str, who: &str| {
        let mean: f64 = out
            .strip_prefix("mean=")
            .and_then(|m| m.parse().ok())
            .unwrap_or_else(|| panic!("{who} printed {out:?}, not mean=..."));
        assert_eq!(mean, expected, "{who}'s mean");
    };

    let (name, run, check) = (name.as_str(), &run, &check);
    let mut figures: Vec<Figure> = vec![
        (
            "shm-reader, spawn to exit",
            Box::new(|| {
                timed(|| {
                    check(
                        &run(&reader, &["--name", name, "--timeout-ms", "5000"]),
                        "shm-reader",
                    )
                })
            }),
        ),
        (
            "attach + map + sum, in process",
            Box::new(|| {
                event::signal(block.state(), READY);
                timed(|| {
                    let found = ReaderBlock::find(name).unwrap().expect("the block");
                    let mapped = found.values().expect("a valid block");
                    assert_eq!(mean(mapped.as_slice()), expected);
                })
            }),
        ),
        (
            "Vec<f64> sum",
            Box::new(|| timed(|| assert_eq!(mean(std::hint::black_box(&vec)), expected))),
        ),
    ];
    if let Some(c) = &c_reader {
        figures.push((
            "C reader, spawn to exit",
            Box::new(move || timed(|| check(&run(c, &[name]), "the C reader"))),
        ));
        figures.push((
            "C attach + map + sum",
            Box::new(move || {
                let out = run(c, &[name, "--loop", "1"]);
                out.split(' ')
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("the C reader's time")
            }),
        ));
    }

    let mut seconds = vec![Vec::new(); figures.len()];
    let start = Instant::now();
    while seconds[0].len() < RUNS && start.elapsed() < BUDGET {
        for ((_, figure), times) in figures.iter_mut().zip(&mut seconds) {
            times.push(figure());
        }
    }
    let stats: Vec<(f64, f64)> = seconds
        .iter_mut()
        .map(|times| {
            times.sort_by(f64::total_cmp);
            (times[0], times[times.len() / 2])
        })
        .collect();

    println!(
        "{LEN} values ({:.0} MB), best and median of {} rounds",
        bytes / 1e6,
        seconds[0].len()
    );
    for ((what, _), (best, median)) in figures.iter().zip(&stats) {
        println!(
            "  {what:<32} best {:>8.2} ms  {:>6.2} GB/s   median {:>8.2} ms  {:>6.2} GB/s",
            best * 1e3,
            bytes / best / 1e9,
            median * 1e3,
            bytes / median / 1e9,
        );
    }
    let ratio = |a: usize, b: usize| (stats[b].0 / stats[a].0, stats[b].1 / stats[a].1);
    let (p, pm) = ratio(0, 2);
    let (s, sm) = ratio(1, 2);
    println!("ratio to the Vec<f64> sum (best/median): shm-reader {p:.2}/{pm:.2}, attach + sum {s:.2}/{sm:.2}");
    if c_reader.is_some() {
        let (p, pm) = ratio(0, 3);
        let (s, sm) = ratio(1, 4);
        println!(
            "ratio to C, the baseline (best/median): shm-reader {p:.2}/{pm:.2} x the C reader, attach + sum {s:.2}/{sm:.2} x C's"
        );
    }
}

/// The seconds `f` takes.
fn timed(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}
