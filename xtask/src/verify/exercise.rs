//! One exercise, verified. What does not depend on each other runs at once:
//! the stub's tests (built and run in `target/`) from the start, beside the
//! solution's build (in `target/solutions`); then clippy, beside the
//! solution's test binaries and every fault's run, straight from the binaries
//! the build made, a few at a time. The rows are printed after, in order.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::thread;
use std::time::Instant;

use super::build;
use super::durations;
use super::faults::{self, Check};
use super::pool::{in_pool, run_tests};
use super::processes::leftovers;
use super::readme;
use super::text::{describe, print_tail, report_of};
use super::Tally;
use crate::cargo::{self, Outcome, TestRun};
use crate::kit::{self, Exercise};
use crate::points::{self, Points};

/// One run of the pool: a test binary of the solution, or a part of a
/// fault's check.
enum Job<'a> {
    Solution(&'a Path),
    Fault(&'a Check, usize),
}

impl Job<'_> {
    /// Seconds it may take, when it was never timed: a solution's whole
    /// test binary first.
    fn first_guess(&self) -> f64 {
        match self {
            Job::Solution(_) => 10.0,
            Job::Fault(check, _) => check.first_guess(),
        }
    }

    /// What the job is called in `target/verify-durations`.
    fn name(&self) -> String {
        match self {
            Job::Solution(binary) => format!("solution {}", binary.display()),
            Job::Fault(check, 0) if check.parts() == 1 => check.name(),
            Job::Fault(check, part) => {
                format!("{} (part {} of {})", check.name(), part + 1, check.parts())
            }
        }
    }
}

pub fn verify(
    exercise: &Exercise,
    solutions_dir: &Path,
    points: &Points,
    tally: &mut Tally,
) -> Result<(), String> {
    println!("\n== {} (crate {})", exercise.dir, exercise.package);
    let started = Instant::now();

    // 1. Every step has a hint.
    let steps = readme::check_hints(exercise, tally);

    let Some(solution) = &exercise.solution else {
        tally.check(
            false,
            format!("no reference solution in solutions/{}", exercise.dir),
        );
        return Ok(());
    };
    let root = kit::root();
    let cwd = root.join("solutions").join(&exercise.dir);

    thread::scope(|scope| -> Result<(), String> {
        // 3. The stub's tests, in its own target directory: they need nothing
        // of the solution's.
        let stub = scope.spawn(|| stub_tests(exercise));

        // 2. The solution, its faults and the hostile fixtures build (the
        // fixtures once: cargo finds them built after that).
        let mut packages = vec![solution.as_str(), "hostile"];
        if let Some(faults) = &exercise.faults {
            packages.push(faults);
        }
        let built = build::build(&packages, solutions_dir, &cwd.join("Cargo.toml"))?;
        let build_time = started.elapsed();
        if !built.ok {
            print_tail(&built.output, 40);
            tally.check(false, format!("{solution} and its faults build"));
            let _ = stub.join();
            return Ok(());
        }
        tally.check(true, format!("{solution} and its faults build"));

        let clippy = scope.spawn(|| {
            cargo::run(
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
            )
        });

        // Which target holds which test, from the binaries themselves.
        let mut target_of = HashMap::new();
        for (target, binary) in &built.tests {
            for test in build::list(binary)? {
                target_of.insert(test, target.clone());
            }
        }
        let faults = kit::faults(&root, &exercise.dir);
        let context = faults::Context {
            exercise,
            solution,
            solutions_dir,
            target_of: &target_of,
            binaries: &built.tests,
        };
        // The checks' own complaints (a declaration naming no test) wait for
        // their place in the table.
        let mut complaints = Tally::held();
        let checks = match &faults {
            Ok(Some(faults)) => faults::checks(&context, faults, &mut complaints),
            _ => Vec::new(),
        };

        // 4 and 5. The solution's tests and the faults' runs, side by side.
        let jobs: Vec<Job> = built
            .all_tests
            .iter()
            .map(|binary| Job::Solution(binary))
            .chain(
                checks
                    .iter()
                    .flat_map(|check| (0..check.parts()).map(move |part| Job::Fault(check, part))),
            )
            .collect();
        let names: Vec<String> = jobs.iter().map(Job::name).collect();
        let last_time = durations::load(&exercise.dir);
        let expected: Vec<f64> = jobs
            .iter()
            .zip(&names)
            .map(|(job, name)| last_time.get(name).copied().unwrap_or(job.first_guess()))
            .collect();
        let timed = in_pool(&jobs, &expected, |job| match job {
            // Four tests at once, in one process: most of a solution's
            // tests wait (for a drop after 2 s, a deadline), so with libtest's
            // two (one per core) the suite was the longest job of 08 (8.2 s;
            // 4.8 s with four). Loaded rounds overran a fault's 5 s limit
            // no less often with two threads than with four (4 of 7 rounds,
            // against 1 of 14): the machine, not the threads, hence the
            // slack in `faults`.
            Job::Solution(binary) => run_tests(binary, &cwd, &[], &["--test-threads", "4"]),
            Job::Fault(check, part) => faults::run(&context, check, *part, &cwd),
        });
        durations::save(
            &exercise.dir,
            &names
                .into_iter()
                .zip(timed.iter().map(|(_, took)| *took))
                .collect::<Vec<_>>(),
        );
        let mut runs = timed.into_iter().map(|(run, _)| run);
        let mut on_solution = TestRun::default();
        for run in runs.by_ref().take(built.all_tests.len()) {
            on_solution.merge(run?);
        }
        // A check's parts, in one run again.
        let fault_runs: Vec<Result<TestRun, String>> = checks
            .iter()
            .map(|check| {
                let parts: Vec<_> = runs.by_ref().take(check.parts()).collect();
                let mut whole = TestRun::default();
                for part in parts {
                    whole.merge(part?);
                }
                Ok(whole)
            })
            .collect();
        let (clean, clippy_output) = clippy.join().expect("clippy's thread")?;
        let on_stub = stub.join().expect("the stub's thread")?;
        let run_time = started.elapsed() - build_time;

        if !clean {
            print_tail(&clippy_output, 40);
        }
        tally.check(
            clean,
            format!("{solution}: cargo clippy --all-targets -D warnings"),
        );
        let table = Table {
            exercise,
            solution,
            solutions_dir,
            steps: &steps,
        };
        let names = table.tests(&on_stub, &on_solution, tally);
        readme::check_tests_named(exercise, &names, tally);
        check_points(exercise, points, &on_stub.results, tally);

        match &faults {
            Ok(Some(_)) => {
                complaints.release(tally);
                faults::report(&context, &checks, fault_runs, tally);
            }
            Ok(None) => tally.check(false, format!("no faults in tests/faults/{}", exercise.dir)),
            Err(e) => tally.check(false, e.clone()),
        }
        // Everything ran side by side: what outlived it is checked once, after all.
        leftovers(tally, &format!("the tests and faults of {}", exercise.dir));
        println!(
            "  ({:.1} s: the build {:.1} s, then the tests, clippy and faults {:.1} s)",
            started.elapsed().as_secs_f64(),
            build_time.as_secs_f64(),
            run_time.as_secs_f64()
        );
        Ok(())
    })
}

/// What the stub's tests did.
struct StubRun {
    /// Each test with its outcome, in the order reported.
    results: Vec<(String, Outcome)>,
    /// Each test's `[[test]]` target.
    target_of: HashMap<String, String>,
    /// The output of each build that failed.
    broken: Vec<String>,
}

/// `cargo test -p <stub> --test <target>` for each target: every test must
/// fail. The messages of a build that failed are kept for the report.
fn stub_tests(exercise: &Exercise) -> Result<StubRun, String> {
    let mut results = Vec::new();
    let mut target_of = HashMap::new();
    let mut broken = Vec::new();
    for target in &exercise.tests {
        let run = cargo::test(&exercise.package, None, Some(target), &[], &[])?;
        if run.build_failed {
            broken.push(run.output.clone());
        }
        for (test, outcome) in run.results {
            target_of.insert(test.clone(), target.clone());
            results.push((test, outcome));
        }
    }
    Ok(StubRun {
        results,
        target_of,
        broken,
    })
}

/// The table of every test on the solution and on the stub.
struct Table<'a> {
    exercise: &'a Exercise,
    solution: &'a str,
    solutions_dir: &'a Path,
    steps: &'a BTreeSet<u32>,
}

impl Table<'_> {
    /// Prints the rows; returns the names of the tests.
    fn tests<'r>(
        &self,
        on_stub: &'r StubRun,
        on_solution: &TestRun,
        tally: &mut Tally,
    ) -> BTreeSet<&'r str> {
        let stub_results = &on_stub.results;
        for output in &on_stub.broken {
            print_tail(output, 30);
            tally.check(
                false,
                format!("the stub crate {} builds", self.exercise.package),
            );
        }
        if stub_results.is_empty() {
            tally.check(false, "the stub's tests ran: none reported".into());
        }
        let name_width = stub_results
            .iter()
            .chain(&on_solution.results)
            .map(|(name, _)| name.len())
            .max()
            .unwrap_or(58);
        println!("  {:<4} {:<name_width$} {:<9} stub", "", "test", "solution");
        for (test, stub_outcome) in stub_results {
            let solution_outcome = on_solution.outcome(test);
            let ok = solution_outcome == Some(Outcome::Passed) && *stub_outcome == Outcome::Failed;
            let named = readme::named_after_a_step(test, self.steps);
            let mut row = format!(
                "{test:<name_width$} {:<9} {}",
                describe(solution_outcome),
                describe(Some(*stub_outcome))
            );
            if !named {
                row.push_str("  (not named stepN_… after a README step)");
            }
            tally.check(ok && named, row);
            let target = on_stub.target_of.get(test).map_or("", String::as_str);
            if solution_outcome != Some(Outcome::Passed) {
                if let Some(report) = report_of(&on_solution.output, test) {
                    print_tail(report, 40);
                }
                println!(
                    "         reproduce: cargo test -p {} --profile {} --target-dir {} --test {target} -- {test} --exact",
                    self.solution,
                    build::PROFILE,
                    self.solutions_dir.display()
                );
            }
            if *stub_outcome != Outcome::Failed {
                println!(
                    "         reproduce: cargo test -p {} --test {target} -- {test} --exact",
                    self.exercise.package
                );
            }
        }
        let names: BTreeSet<&str> = stub_results.iter().map(|(n, _)| n.as_str()).collect();
        for (test, outcome) in &on_solution.results {
            if !names.contains(test.as_str()) {
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
        names
    }
}

/// 7. The points weigh tests that exist.
fn check_points(
    exercise: &Exercise,
    points: &Points,
    on_stub: &[(String, Outcome)],
    tally: &mut Tally,
) {
    let tests: Vec<String> = on_stub.iter().map(|(name, _)| name.clone()).collect();
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
}
