//! `cargo xtask verify`: proves the kit right, exercise by exercise.
//!
//! 1. the README has a hint for every step, and every test is named after one;
//! 2. the solution and its faults build, and the solution is clippy-clean;
//! 3. every test passes against the reference solution;
//! 4. every test fails against the untouched stub;
//! 5. every fault is rejected by the test it names (in time, where it says so)
//!    and accepted by the tests it names, every hostile fixture declared for a
//!    program is rejected within seconds, each run through the
//!    `IPC_KIT_BIN_<NAME>` override under the solution's tests (`faults.rs`);
//! 6. no program outlives the run that started it;
//! 7. `grading.toml` weighs only tests that exist (see `points.rs`).
//!
//! Solutions and faults are built into `target/solutions`, so they never
//! overwrite or collide with the student's binaries in `target/debug`.
//!
//! The files, one idea each: `exercise.rs` (one exercise, its checks run side
//! by side), `build.rs` (one build, and the test binaries it made), `faults.rs`
//! (faults, foreign programs and hostile fixtures), `readme.rs` (the README
//! and the docs against the tests), `pool.rs` (test binaries run a few at a
//! time, the longest first), `durations.rs` (how long each took last
//! time), `processes.rs` (nothing outlives a run), `text.rs` (reports).

mod build;
mod durations;
mod exercise;
mod faults;
mod pool;
mod processes;
mod readme;
mod text;

use crate::cargo::{self, Outcome};
use crate::kit::{self, Exercise};
use crate::points::{self, Points};
use processes::leftovers;
use text::{print_tail, report_of};

/// Tallies checks and prints each as a table row (or holds the rows, to be
/// printed in their place later).
#[derive(Default)]
pub struct Tally {
    passed: usize,
    failed: usize,
    held: Option<Vec<(bool, String)>>,
}

impl Tally {
    pub fn check(&mut self, ok: bool, row: String) {
        if let Some(held) = &mut self.held {
            held.push((ok, row));
            return;
        }
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        println!("  {} {row}", if ok { "ok  " } else { "FAIL" });
    }

    /// A tally that holds its rows until [`Tally::release`].
    pub fn held() -> Tally {
        Tally {
            held: Some(Vec::new()),
            ..Tally::default()
        }
    }

    /// Checks, in `into`, the rows this one held.
    pub fn release(self, into: &mut Tally) {
        for (ok, row) in self.held.unwrap_or_default() {
            into.check(ok, row);
        }
    }
}

pub fn run(args: &[String]) -> Result<bool, String> {
    processes::mark_this_run();
    let mut only = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--exercise" => only.push(args.next().ok_or("--exercise needs a name")?.clone()),
            other => return Err(format!("verify: unknown argument {other}")),
        }
    }
    let exercises: Vec<Exercise> = kit::exercises()?
        .into_iter()
        .filter(|e| only.is_empty() || only.iter().any(|o| *o == e.package || *o == e.dir))
        .collect();
    if exercises.is_empty() {
        return Err("no exercise matches".into());
    }
    let points = Points::load(&kit::root())?;
    let solutions_dir = kit::target_dir().join("solutions");
    let mut tally = Tally::default();
    if only.is_empty() {
        verify_kit(&mut tally)?;
    }
    for exercise in &exercises {
        exercise::verify(exercise, &solutions_dir, &points, &mut tally)?;
    }
    if only.is_empty() {
        let all: Vec<&str> = exercises.iter().map(|e| e.dir.as_str()).collect();
        let unknown: Vec<&String> = points
            .exercises
            .keys()
            .filter(|dir| !all.contains(&dir.as_str()))
            .collect();
        if !unknown.is_empty() {
            tally.check(
                false,
                format!(
                    "{}: sections that name no exercise: {unknown:?}",
                    points::FILE
                ),
            );
        }
    }
    println!("\n{} passed, {} failed", tally.passed, tally.failed);
    Ok(tally.failed == 0)
}

/// The kit's own tools have tests of their own: the harness against hostile
/// programs, xtask's grading against golden reports.
fn verify_kit(tally: &mut Tally) -> Result<(), String> {
    println!("\n== the kit itself");
    for package in ["harness", "xtask"] {
        let run = cargo::test(package, None, None, &[], &[])?;
        let failed: Vec<&str> = run
            .results
            .iter()
            .filter(|(_, outcome)| *outcome == Outcome::Failed)
            .map(|(name, _)| name.as_str())
            .collect();
        let ok = failed.is_empty() && !run.build_failed && !run.passed().is_empty();
        // Each failing test's own report; the output's tail when none is
        // found (a build that failed).
        let reports: Vec<&str> = failed
            .iter()
            .filter_map(|test| report_of(&run.output, test))
            .collect();
        if !ok && reports.is_empty() {
            print_tail(&run.output, 40);
        }
        for report in reports {
            print_tail(report, 40);
        }
        let failures = match failed.len() {
            0 => String::new(),
            n => format!(", {n} fail: {failed:?}"),
        };
        tally.check(
            ok,
            format!(
                "{package}: its own {} tests pass{failures}",
                run.passed().len()
            ),
        );
    }
    leftovers(tally, "the kit's own tests");
    Ok(())
}
