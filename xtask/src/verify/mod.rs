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

mod faults;
mod pool;
mod processes;
mod readme;
mod text;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::cargo::{self, Outcome, TestRun};
use crate::kit::{self, Exercise};
use crate::points::{self, Points};
use processes::leftovers;
use text::{describe, print_tail, report_of};

/// Tallies checks and prints each as a table row.
#[derive(Default)]
pub struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    pub fn check(&mut self, ok: bool, row: String) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        println!("  {} {row}", if ok { "ok  " } else { "FAIL" });
    }
}

pub fn run(args: &[String]) -> Result<bool, String> {
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
        verify(exercise, &solutions_dir, &points, &mut tally)?;
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

fn verify(
    exercise: &Exercise,
    solutions_dir: &Path,
    points: &Points,
    tally: &mut Tally,
) -> Result<(), String> {
    println!("\n== {} (crate {})", exercise.dir, exercise.package);

    // 1. Every step has a hint.
    let steps = readme::check_hints(exercise, tally);

    let Some(solution) = &exercise.solution else {
        tally.check(
            false,
            format!("no reference solution in solutions/{}", exercise.dir),
        );
        return Ok(());
    };

    // 2. The solution and the faults build; the solution is clippy-clean.
    // The hostile fixtures are built once: cargo finds them built after that.
    let mut packages = vec!["-p", solution.as_str(), "-p", "hostile"];
    if let Some(faults) = &exercise.faults {
        packages.extend(["-p", faults.as_str()]);
    }
    let build: Vec<&str> = [&["build", "--all-targets"][..], &packages].concat();
    let (built, output) = cargo::run(&build, Some(solutions_dir))?;
    if !built {
        print_tail(&output, 40);
    }
    tally.check(built, format!("{solution} and its faults build"));
    if !built {
        return Ok(());
    }
    let (clean, output) = cargo::run(
        &[
            "clippy",
            "--all-targets",
            "-p",
            solution,
            "--",
            "-D",
            "warnings",
        ],
        Some(solutions_dir),
    )?;
    if !clean {
        print_tail(&output, 40);
    }
    tally.check(
        clean,
        format!("{solution}: cargo clippy --all-targets -D warnings"),
    );

    // 3 and 4. Every test passes on the solution and fails on the stub.
    let on_solution = cargo::test(solution, Some(solutions_dir), None, &[], &[])?;
    leftovers(tally, "the solution's tests");
    let mut on_stub = TestRun::default();
    let mut target_of = HashMap::new();
    for target in &exercise.tests {
        let run = cargo::test(&exercise.package, None, Some(target), &[], &[])?;
        if run.build_failed {
            print_tail(&run.output, 30);
            tally.check(false, format!("the stub crate {} builds", exercise.package));
        }
        for (test, outcome) in run.results {
            target_of.insert(test.clone(), target.clone());
            on_stub.results.push((test, outcome));
        }
    }
    leftovers(tally, "the stub's tests");
    if on_stub.results.is_empty() {
        tally.check(false, "the stub's tests ran: none reported".into());
    }
    let name_width = on_stub
        .results
        .iter()
        .chain(&on_solution.results)
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(58);
    println!("  {:<4} {:<name_width$} {:<9} stub", "", "test", "solution");
    for (test, stub_outcome) in &on_stub.results {
        let solution_outcome = on_solution.outcome(test);
        let ok = solution_outcome == Some(Outcome::Passed) && *stub_outcome == Outcome::Failed;
        let named = readme::named_after_a_step(test, &steps);
        let mut row = format!(
            "{test:<name_width$} {:<9} {}",
            describe(solution_outcome),
            describe(Some(*stub_outcome))
        );
        if !named {
            row.push_str("  (not named stepN_… after a README step)");
        }
        tally.check(ok && named, row);
        let target = target_of.get(test).map_or("", String::as_str);
        if solution_outcome != Some(Outcome::Passed) {
            if let Some(report) = report_of(&on_solution.output, test) {
                print_tail(report, 40);
            }
            println!(
                "         reproduce: cargo test -p {solution} --target-dir {} --test {target} -- {test} --exact",
                solutions_dir.display()
            );
        }
        if *stub_outcome != Outcome::Failed {
            println!(
                "         reproduce: cargo test -p {} --test {target} -- {test} --exact",
                exercise.package
            );
        }
    }
    let stub_names: BTreeSet<&str> = on_stub.results.iter().map(|(n, _)| n.as_str()).collect();
    for (test, outcome) in &on_solution.results {
        if !stub_names.contains(test.as_str()) {
            tally.check(
                *outcome == Outcome::Passed,
                format!(
                    "{test:<name_width$} {:<9} (the solution's own unit test)",
                    describe(Some(*outcome))
                ),
            );
        }
    }
    if on_solution.results.is_empty() {
        print_tail(&on_solution.output, 30);
        tally.check(false, "the solution's tests ran: none reported".into());
    }

    // The traceability table names tests that exist, and each `stepN_`
    // test names its README step N.
    let names: BTreeSet<&str> = on_stub.results.iter().map(|(n, _)| n.as_str()).collect();
    readme::check_tests_named(exercise, &names, tally);

    // 7. The points weigh tests that exist.
    let tests: Vec<String> = on_stub
        .results
        .iter()
        .map(|(name, _)| name.clone())
        .collect();
    let weights = points.exercise(&exercise.dir);
    let unknown = weights.unknown(&tests);
    let total: f64 = weights.of(&tests).iter().sum();
    tally.check(
        unknown.is_empty(),
        format!(
            "{}: {} points over {} tests{}",
            points::FILE,
            points::round(total),
            tests.len(),
            if unknown.is_empty() {
                String::new()
            } else {
                format!(" (weighs tests that do not exist: {unknown:?})")
            }
        ),
    );

    // 5. Every fault is rejected, or accepted, by the tests it names.
    let faults = match kit::faults(&kit::root(), &exercise.dir) {
        Ok(Some(faults)) => faults,
        Ok(None) => {
            tally.check(false, format!("no faults in tests/faults/{}", exercise.dir));
            return Ok(());
        }
        Err(e) => {
            tally.check(false, e);
            return Ok(());
        }
    };
    let binaries = test_binaries(solution, solutions_dir)?;
    let context = faults::Context {
        exercise,
        solution,
        solutions_dir,
        target_of: &target_of,
        binaries: &binaries,
    };
    faults::verify(&context, &faults, tally);
    // The faults ran side by side: what outlived them is checked once, after all.
    leftovers(tally, &format!("the faults of {}", exercise.dir));
    Ok(())
}

/// The solution's test binaries by target name, from cargo's JSON messages
/// (the tests are built already: this only asks where they are).
fn test_binaries(solution: &str, solutions_dir: &Path) -> Result<HashMap<String, PathBuf>, String> {
    let (built, output) = cargo::run(
        &["test", "--no-run", "--message-format=json", "-p", solution],
        Some(solutions_dir),
    )?;
    if !built {
        print_tail(&output, 30);
        return Err(format!("cannot build the tests of {solution}"));
    }
    let mut binaries = HashMap::new();
    for line in output.lines().filter(|l| l.starts_with('{')) {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let is_test = message["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| k == "test"));
        if let (true, Some(exe), Some(name)) = (
            is_test,
            message["executable"].as_str(),
            message["target"]["name"].as_str(),
        ) {
            binaries.insert(name.to_string(), PathBuf::from(exe));
        }
    }
    Ok(binaries)
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
        if !ok {
            print_tail(&run.output, 40);
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
