//! `cargo xtask verify`: proves the kit right, exercise by exercise.
//!
//! 1. the README has a hint for every step, and every test is named after one;
//! 2. the solution and its faults build, and the solution is clippy-clean;
//! 3. every test passes against the reference solution;
//! 4. every test fails against the untouched stub;
//! 5. every fault is rejected by the test it names (in time, where it says so),
//!    run through the `IPC_KIT_BIN_<NAME>` override under the solution's tests;
//! 6. no program outlives the run that started it;
//! 7. `grading.toml` weighs only tests that exist (see `points.rs`).
//!
//! Solutions and faults are built into `target/solutions`, so they never
//! overwrite or collide with the student's binaries in `target/debug`.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::cargo::{self, Outcome, TestRun};
use crate::kit::{self, Exercise};
use crate::points::{self, Points};

/// Tallies checks and prints each as a table row.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    fn check(&mut self, ok: bool, row: String) {
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
    let steps: BTreeSet<u32> = exercise.steps().into_iter().collect();
    let hints: BTreeSet<u32> = exercise.hints().into_iter().collect();
    let missing: Vec<_> = steps.difference(&hints).collect();
    tally.check(
        !steps.is_empty() && missing.is_empty(),
        format!(
            "README: {} steps, a hint for each in the `## Hints` section{}",
            steps.len(),
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (none for steps {missing:?})")
            }
        ),
    );

    let Some(solution) = &exercise.solution else {
        tally.check(
            false,
            format!("no reference solution in solutions/{}", exercise.dir),
        );
        return Ok(());
    };

    // 2. The solution and the faults build; the solution is clippy-clean.
    let mut packages = vec!["-p", solution.as_str()];
    if let Some((faults, _)) = &exercise.faults {
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
        let named = test.starts_with("step")
            && test[4..]
                .split('_')
                .next()
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| steps.contains(&n));
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
    let traced = traced_tests(&exercise.dir);
    if !traced.is_empty() {
        let unknown: Vec<&String> = traced
            .iter()
            .filter(|t| !names.contains(t.as_str()))
            .collect();
        tally.check(
            unknown.is_empty(),
            format!(
                "{TRACEABILITY}: the {} tests it names exist{}",
                traced.len(),
                if unknown.is_empty() {
                    String::new()
                } else {
                    format!(" (not found: {unknown:?})")
                }
            ),
        );
    }
    for target in &exercise.tests {
        let path = kit::root().join("tests").join(format!("{target}.rs"));
        let source = fs::read_to_string(&path).unwrap_or_default();
        let wrong = steps_not_named(&source);
        tally.check(
            wrong.is_empty(),
            format!(
                "tests/{target}.rs: every stepN_ test calls step(N, …){}",
                if wrong.is_empty() {
                    String::new()
                } else {
                    format!(" (not: {wrong:?})")
                }
            ),
        );
    }

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

    // 5. Every fault is rejected by the test it names.
    let Some((_, faults)) = &exercise.faults else {
        tally.check(false, format!("no faults in tests/faults/{}", exercise.dir));
        return Ok(());
    };
    let binaries = test_binaries(solution, solutions_dir)?;
    let cwd = kit::root().join("solutions").join(&exercise.dir);
    let jobs: Vec<FaultJob> = faults
        .iter()
        .map(|fault| {
            let binary = solutions_dir.join("debug").join(&fault.bin);
            let var = format!(
                "IPC_KIT_BIN_{}",
                fault.replaces.to_uppercase().replace('-', "_")
            );
            let target = target_of
                .get(&fault.rejected_by)
                .or(exercise.tests.first())
                .cloned()
                .unwrap_or_default();
            FaultJob {
                fault,
                env: (var, binary.to_string_lossy().into_owned()),
                test_binary: binaries.get(&target).cloned(),
                target,
            }
        })
        .collect();
    let runs = in_pool(&jobs, |job| run_fault(job, &cwd));
    let width = faults
        .iter()
        .map(|f| f.bin.len() + f.replaces.len() + 3)
        .chain([16])
        .max()
        .unwrap_or(50);
    let test_width = faults
        .iter()
        .map(|f| f.rejected_by.len())
        .chain([9])
        .max()
        .unwrap_or(46);
    println!(
        "  {:<4} {:<width$} {:<test_width$} result",
        "", "fault (replaces)", "must fail"
    );
    for (job, run) in jobs.iter().zip(runs) {
        let fault = job.fault;
        let run = run?;
        let outcome = run.outcome(&fault.rejected_by);
        let in_time = fault.within_s.is_none_or(|limit| run.seconds <= limit);
        let verdict = match outcome {
            Some(Outcome::Failed) if in_time => format!("rejected in {:.1} s", run.seconds),
            Some(Outcome::Failed) => format!(
                "rejected, but in {:.1} s (must be within {} s)",
                run.seconds,
                fault.within_s.unwrap_or_default()
            ),
            Some(Outcome::Passed) => "NOT REJECTED: the test passed".into(),
            _ => match nearest(&fault.rejected_by, target_of.keys()) {
                Some(near) => format!("no such test: did you mean {near}?"),
                None => "the test did not run (is it named right?)".into(),
            },
        };
        let row = format!(
            "{:<width$} {:<test_width$} {verdict}",
            format!("{} ({})", fault.bin, fault.replaces),
            fault.rejected_by
        );
        tally.check(outcome == Some(Outcome::Failed) && in_time, row);
        if outcome != Some(Outcome::Failed) || !in_time {
            let mistake = whole_mistake(&exercise.dir, fault);
            println!("         the mistake: {mistake}");
            println!(
                "         reproduce: {}={} cargo test -p {solution} --target-dir {} --test {} -- {} --exact",
                job.env.0,
                job.env.1,
                solutions_dir.display(),
                job.target,
                fault.rejected_by
            );
            if outcome.is_some() {
                print_tail(&run.output, 30);
            }
        }
    }
    // The faults ran side by side: what outlived them is checked once, after all.
    leftovers(tally, &format!("the faults of {}", exercise.dir));
    Ok(())
}

/// The table of rules, tests and faults, in the kit's docs.
const TRACEABILITY: &str = "docs/traceability.md";

/// The tests that [`TRACEABILITY`] names for the exercise in folder `dir`:
/// the backquoted names in the second column of its section's table.
fn traced_tests(dir: &str) -> Vec<String> {
    let text = fs::read_to_string(kit::root().join(TRACEABILITY)).unwrap_or_default();
    let heading = format!("## {dir}");
    let mut tests = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("## ") {
            inside = line.trim() == heading;
            continue;
        }
        let cells: Vec<&str> = line.split('|').collect();
        if !inside || cells.len() < 4 || cells[1].trim() == "rule (README)" {
            continue;
        }
        tests.extend(
            cells[2]
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|name| !name.starts_with('-'))
                .map(str::to_string),
        );
    }
    tests
}

/// The `stepN_…` test functions in `source` whose body does not start by
/// calling `step(N, …)`.
fn steps_not_named(source: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("fn step") {
        let after = &rest[at + 3..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let number: String = name[4..].chars().take_while(char::is_ascii_digit).collect();
        rest = &after[name.len()..];
        if number.is_empty() || !name[4 + number.len()..].starts_with('_') {
            continue; // `fn step(…)` itself, or another helper
        }
        // The body up to the next function.
        let body = &rest[..rest.find("\nfn ").unwrap_or(rest.len())];
        let called = body.find("step(").is_some_and(|i| {
            body[i + 5..]
                .trim_start()
                .strip_prefix(number.as_str())
                .is_some_and(|r| r.trim_start().starts_with(','))
        });
        if !called {
            wrong.push(name);
        }
    }
    wrong
}

/// A fault's mistake, quoted whole: the first paragraph of its doc comment
/// (kit.rs keeps its first line only).
fn whole_mistake(dir: &str, fault: &kit::Fault) -> String {
    let path = kit::root()
        .join("tests/faults")
        .join(dir)
        .join("src/bin")
        .join(format!("{}.rs", fault.bin));
    let Ok(source) = fs::read_to_string(path) else {
        return fault.mistake.clone();
    };
    let paragraph: Vec<&str> = source
        .lines()
        .map_while(|line| line.strip_prefix("//!"))
        .map(str::trim)
        .take_while(|line| !line.is_empty())
        .collect();
    if paragraph.is_empty() {
        fault.mistake.clone()
    } else {
        paragraph.join(" ")
    }
}

/// The report libtest printed for `test` (between `---- TEST stdout ----`
/// and the next section).
fn report_of<'a>(output: &'a str, test: &str) -> Option<&'a str> {
    let start = output.find(&format!("---- {test} stdout ----"))?;
    let rest = &output[start..];
    let end = ["\n---- ", "\nfailures:"]
        .iter()
        .filter_map(|mark| rest[1..].find(mark))
        .min()
        .map_or(rest.len(), |i| i + 1);
    Some(&rest[..end])
}

/// The name among `names` closest to `wanted` (fewest edits), if any is
/// close enough to be a misspelling of it.
fn nearest<'a>(wanted: &str, names: impl Iterator<Item = &'a String>) -> Option<&'a str> {
    names
        .map(|name| (edits(wanted, name), name.as_str()))
        .filter(|(distance, _)| *distance <= wanted.len() / 3 + 1)
        .min()
        .map(|(_, name)| name)
}

/// Levenshtein distance, over bytes.
fn edits(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// How many fault checks run at once: each is one test, mostly waiting on
/// sockets or deadlines, so three share two cores well.
const POOL: usize = 3;

/// One fault to check: which test binary runs which test, with what override.
struct FaultJob<'a> {
    fault: &'a kit::Fault,
    env: (String, String),
    target: String,
    test_binary: Option<PathBuf>,
}

/// Runs `work` on every job, [`POOL`] at a time, and returns the results in
/// the jobs' order.
fn in_pool<J: Sync, R: Send>(jobs: &[J], work: impl Fn(&J) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..POOL.min(jobs.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(job) = jobs.get(i) else { break };
                let result = work(job);
                results.lock().unwrap()[i] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect()
}

/// Runs the one test that must reject `job`'s fault, straight from its test
/// binary (cargo would hold its build lock for the whole run, one at a time).
fn run_fault(job: &FaultJob, cwd: &Path) -> Result<TestRun, String> {
    let Some(binary) = &job.test_binary else {
        return Err(format!(
            "no test binary for target {:?} (fault {})",
            job.target, job.fault.bin
        ));
    };
    let mut command = std::process::Command::new(binary);
    command.current_dir(cwd);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("IPC_KIT_BIN_") {
            command.env_remove(key);
        }
    }
    command
        .env(&job.env.0, &job.env.1)
        .args([
            job.fault.rejected_by.as_str(),
            "--exact",
            "--color",
            "never",
        ])
        .stdin(std::process::Stdio::null());
    let started = std::time::Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let mut run = cargo::parse(&text);
    run.elapsed = started.elapsed();
    run.output = text;
    Ok(run)
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

fn describe(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::Passed) => "passed",
        Some(Outcome::Failed) => "failed",
        Some(Outcome::Ignored) => "ignored",
        None => "missing",
    }
}

fn print_tail(output: &str, lines: usize) {
    let all: Vec<&str> = output.lines().collect();
    for line in &all[all.len().saturating_sub(lines)..] {
        println!("       | {line}");
    }
}

/// Fails a check, and kills them, if programs built in this workspace are
/// still running after `what`: a test let them outlive it.
fn leftovers(tally: &mut Tally, what: &str) {
    let target = kit::target_dir();
    let me = std::process::id();
    let mut found = Vec::new();
    for (pid, exe) in processes() {
        if pid != me && exe.starts_with(&target) {
            found.push(format!("{pid} {}", exe.display()));
            kill(pid);
        }
    }
    if !found.is_empty() {
        tally.check(
            false,
            format!("no program outlives {what}: still running {found:?}"),
        );
    }
}

/// Every process we can see, with its executable.
fn processes() -> Vec<(u32, PathBuf)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let exe = fs::read_link(entry.path().join("exe")).ok()?;
            Some((pid, exe))
        })
        .collect()
}

fn kill(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_test_name_finds_its_nearest() {
        let names = [
            "step1_server_echoes".to_string(),
            "step2_client_times_out".to_string(),
        ];
        assert_eq!(
            nearest("step1_server_echoe", names.iter()),
            Some("step1_server_echoes")
        );
        assert_eq!(nearest("completely_else", names.iter()), None);
        assert_eq!(edits("kitten", "sitting"), 3);
    }

    #[test]
    fn a_step_test_must_name_its_step() {
        let source = "fn step1_good() {\n    step(\n        1,\n        \"x\",\n    );\n}\n\
                      fn step2_wrong() {\n    step(3, \"y\");\n}\nfn step(n: u32) {}\n\
                      fn step3_none() {\n    let x = 1;\n}\n";
        assert_eq!(steps_not_named(source), vec!["step2_wrong", "step3_none"]);
    }

    #[test]
    fn a_report_is_cut_at_the_next_section() {
        let output =
            "---- step1_a stdout ----\nboom\n\n---- step2_b stdout ----\nbang\n\nfailures:\n";
        assert_eq!(
            report_of(output, "step1_a"),
            Some("---- step1_a stdout ----\nboom\n")
        );
        assert_eq!(
            report_of(output, "step2_b"),
            Some("---- step2_b stdout ----\nbang\n")
        );
    }
}
