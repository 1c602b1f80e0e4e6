//! `cargo xtask grade`: scores a submission, test by test, for a person or a
//! grading pipeline (Gradescope JSON, JUnit XML, a text table).
//!
//! Each exercise is graded on its own: its code is copied from the submission
//! into a scratch workspace made of the kit's own tests and manifests
//! ([`scratch`]), its tests are built, then each test runs by itself under its
//! own deadline ([`run`]). An exercise that does not compile scores 0 with the
//! compiler's errors; a test that hangs is stopped and scores 0 with the README
//! step it checks; an exercise out of time scores what finished; the others
//! are graded as usual. The report is written whatever happens (also when
//! grading is interrupted), and `grade` exits 0 when it was written.
//!
//! See docs/grading.md for the options and the GitHub Classroom recipe.

mod report;
mod run;
mod scratch;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::kit;
use crate::points::Points;
use report::{ExerciseReport, Report, TestReport};
use run::Ended;

pub const USAGE: &str = "\
usage: cargo xtask grade [options]

  --exercise NAME       grade this exercise only (folder or crate name; repeatable)
  --submission DIR      the checkout to grade, whose exercises/*/src are taken (default: this one)
  --format FORMAT       text (default), json (Gradescope results.json) or junit
  --out FILE            write the report there (default: stdout)
  --timeout-s N         time for one exercise's tests (default 300)
  --test-timeout-s N    time for one test (default 60)
  --build-timeout-s N   time for one exercise's build (default 1200)
  --require-pass        exit 1 unless every test passed (the report is written anyway)
  --offline             build without the network (after one `cargo fetch`)
  --work-dir DIR        where the scratch workspaces are built (default: <target>/grade)";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Junit,
}

struct Options {
    only: Vec<String>,
    submission: PathBuf,
    format: Format,
    out: Option<PathBuf>,
    timeout: Duration,
    test_timeout: Duration,
    build_timeout: Duration,
    require_pass: bool,
    offline: bool,
    work: PathBuf,
    /// The kit whose tests grade (this one; another only in xtask's own tests).
    kit: PathBuf,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        only: Vec::new(),
        submission: kit::root(),
        format: Format::Text,
        out: None,
        timeout: Duration::from_secs(300),
        test_timeout: Duration::from_secs(60),
        build_timeout: Duration::from_secs(1200),
        require_pass: false,
        offline: false,
        work: kit::target_dir().join("grade"),
        kit: kit::root(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or(format!("grade: {arg} needs a value\n\n{USAGE}"))
        };
        let seconds = |text: String| -> Result<Duration, String> {
            text.parse::<f64>()
                .ok()
                .filter(|s| *s > 0.0 && s.is_finite())
                .map(Duration::from_secs_f64)
                .ok_or(format!(
                    "grade: {arg} takes a number of seconds, not {text:?}"
                ))
        };
        match arg.as_str() {
            "--exercise" => options.only.push(value()?),
            "--submission" => options.submission = absolute(value()?),
            "--format" => {
                options.format = match value()?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "junit" => Format::Junit,
                    other => {
                        return Err(format!(
                            "grade: --format is text, json or junit, not {other:?}"
                        ))
                    }
                }
            }
            "--out" => options.out = Some(absolute(value()?)),
            "--timeout-s" => options.timeout = seconds(value()?)?,
            "--test-timeout-s" => options.test_timeout = seconds(value()?)?,
            "--build-timeout-s" => options.build_timeout = seconds(value()?)?,
            "--require-pass" => options.require_pass = true,
            "--offline" => options.offline = true,
            "--work-dir" => options.work = absolute(value()?),
            "--kit" => options.kit = absolute(value()?),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("grade: unknown argument {other}\n\n{USAGE}")),
        }
    }
    Ok(options)
}

fn absolute(path: String) -> PathBuf {
    std::path::absolute(&path).unwrap_or_else(|_| PathBuf::from(path))
}

/// `cargo xtask grade …`: Ok(true) when the report was written (and, with
/// `--require-pass`, every test passed).
pub fn run(args: &[String]) -> Result<bool, String> {
    let options = options(args)?;
    run::catch_interrupts();
    let points = Points::load(&options.kit)?;
    let selected = select(&options)?;

    // With --out, a report is there from the start and after each exercise, in
    // case grading is killed outright (and an unwritable --out shows at once).
    let mut report = Report::default();
    let so_far = |report: &mut Report| -> Result<(), String> {
        if options.out.is_some() {
            let (graded, total) = (report.exercises.len(), selected.len());
            report.notes.push(format!(
                "grading unfinished: {graded} of {total} exercises graded"
            ));
            write(&options, report)?;
            report.notes.pop();
        }
        Ok(())
    };
    so_far(&mut report)?;
    for dir in &selected {
        let graded = if run::interrupted() {
            not_graded(
                &options,
                &points,
                dir,
                "not graded: grading was interrupted first",
            )
        } else {
            eprintln!("grade: {dir}");
            let graded = grade(&options, &points, dir);
            let left = run::sweep(&options.work.join("target"));
            if left > 0 {
                eprintln!("grade: {dir}: killed {left} program(s) its tests left running");
            }
            graded
        };
        report.exercises.push(graded);
        so_far(&mut report)?;
    }
    if run::interrupted() {
        report
            .notes
            .push("grading was interrupted: the tests it did not finish score 0".to_string());
    }
    write(&options, &report)?;
    if let Some(out) = &options.out {
        eprintln!(
            "grade: {} of {} points; report in {}",
            report.score(),
            report.max_score(),
            out.display()
        );
    }
    Ok(!options.require_pass || report.all_passed())
}

/// The exercise folders to grade, discovered from `exercises/`.
fn select(options: &Options) -> Result<Vec<String>, String> {
    let dirs = kit::exercise_dirs(&options.kit)?;
    let package = |dir: &str| {
        let manifest = options.kit.join("exercises").join(dir).join("Cargo.toml");
        kit::read(&manifest)
            .ok()
            .and_then(|m| kit::package_name(&m))
    };
    let selected: Vec<String> = dirs
        .iter()
        .filter(|dir| {
            options.only.is_empty()
                || options
                    .only
                    .iter()
                    .any(|o| o == *dir || package(dir).as_deref() == Some(o.as_str()))
        })
        .cloned()
        .collect();
    if selected.is_empty() {
        return Err(format!(
            "grade: no exercise matches {:?} (there are: {})",
            options.only,
            dirs.join(", ")
        ));
    }
    Ok(selected)
}

fn write(options: &Options, report: &Report) -> Result<(), String> {
    let text = match options.format {
        Format::Text => report.text(),
        Format::Json => report.json(),
        Format::Junit => report.junit(),
    };
    let Some(out) = &options.out else {
        print!("{text}");
        return Ok(());
    };
    // Written whole, then renamed: a reader never sees half a report.
    let partial = out.with_extension("partial");
    std::fs::write(&partial, text)
        .and_then(|()| std::fs::rename(&partial, out))
        .map_err(|e| format!("cannot write the report to {}: {e}", out.display()))
}

/// One test as the kit's test sources declare it: a `#[test] fn` and the
/// README step it names with `step(N, "…")`.
#[derive(Debug, Clone, PartialEq)]
struct Declared {
    name: String,
    step: Option<String>,
}

/// The `#[test]` functions of a test source, with their steps. Used to list
/// the tests of an exercise that does not build, and to say which step a
/// hung test was checking.
fn declared_tests(source: &str) -> Vec<Declared> {
    let lines: Vec<&str> = source.lines().map(str::trim).collect();
    let mut tests = Vec::new();
    for (i, _) in lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("#[test]"))
    {
        let Some((j, name)) = lines.iter().enumerate().skip(i + 1).find_map(|(j, line)| {
            let rest = line
                .strip_prefix("pub fn ")
                .or_else(|| line.strip_prefix("fn "))?;
            Some((
                j,
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>(),
            ))
        }) else {
            continue;
        };
        // The body: up to the next test (rustfmt may spread `step(…)` over lines).
        let end = lines[j + 1..]
            .iter()
            .position(|l| l.starts_with("#[test]"))
            .map_or(lines.len(), |k| j + 1 + k);
        let body = lines[j + 1..end].join(" ");
        tests.push(Declared {
            name,
            step: step_call(&body),
        });
    }
    tests
}

/// `README step N: what` from the first `step(N, "what")` in `body`.
fn step_call(body: &str) -> Option<String> {
    let at = body
        .match_indices("step(")
        .map(|(at, _)| at)
        .find(|&at| !body[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.'))?;
    let rest = &body[at + "step(".len()..];
    let (number, rest) = rest.split_once(',')?;
    let number: u32 = number.trim().parse().ok()?;
    let mut what = String::new();
    let mut chars = rest.trim_start().strip_prefix('"')?.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(format!("README step {number}: {what}")),
            '\\' => match chars.next()? {
                '"' => what.push('"'),
                '\\' => what.push('\\'),
                other => what.extend(['\\', other]),
            },
            c => what.push(c),
        }
    }
    None
}

/// The `[[test]]` targets of a manifest, with their source paths.
fn test_targets(manifest: &str) -> Vec<(String, String)> {
    let mut targets: Vec<(String, Option<String>)> = Vec::new();
    let mut in_test = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_test = line == "[[test]]";
            if in_test {
                targets.push((String::new(), None));
            }
        } else if let (true, Some((key, value))) = (in_test, line.split_once('=')) {
            let value = value.trim().trim_matches('"').to_string();
            let target = targets.last_mut().expect("inside a [[test]]");
            match key.trim() {
                "name" => target.0 = value,
                "path" => target.1 = Some(value),
                _ => {}
            }
        }
    }
    targets
        .into_iter()
        .map(|(name, path)| {
            let path = path.unwrap_or_else(|| format!("tests/{name}.rs"));
            (name, path)
        })
        .collect()
}

/// What grading one exercise needs to know before it builds.
struct Plan<'a> {
    dir: &'a str,
    /// The exercise's crate, `latency`.
    package: String,
    /// Its `[[test]]` targets: (name, source path relative to the crate).
    targets: Vec<(String, String)>,
    points: crate::points::ExercisePoints,
    /// The tests the kit's sources declare.
    declared: Vec<Declared>,
}

impl Plan<'_> {
    /// The report, once each test's fate is known.
    fn report(&self, note: Option<String>, results: Vec<(String, bool, String)>) -> ExerciseReport {
        let names: Vec<String> = results.iter().map(|(name, _, _)| name.clone()).collect();
        let points = self.points.of(&names);
        ExerciseReport {
            dir: self.dir.to_string(),
            note,
            tests: results
                .into_iter()
                .zip(points)
                .map(|((name, passed, output), max_score)| TestReport {
                    name,
                    max_score,
                    passed,
                    output,
                })
                .collect(),
        }
    }

    /// Every declared test fails with `why` (a build that failed, …).
    fn all_fail(&self, why: String) -> ExerciseReport {
        let results = self
            .declared
            .iter()
            .map(|test| (test.name.clone(), false, why.clone()))
            .collect();
        self.report(Some(why), results)
    }

    /// Where a test was: `at README step 2: what it checks`.
    fn step_of(&self, test: &str) -> String {
        match self
            .declared
            .iter()
            .find(|d| d.name == test)
            .and_then(|d| d.step.as_ref())
        {
            Some(step) => format!("at {step}"),
            None => "(the test names no README step)".to_string(),
        }
    }
}

fn not_graded(options: &Options, points: &Points, dir: &str, why: &str) -> ExerciseReport {
    match plan(options, points, dir) {
        Ok(plan) => plan.all_fail(why.to_string()),
        Err(report) => report,
    }
}

/// Reads what the kit says about the exercise; a report when it cannot.
fn plan<'a>(
    options: &'a Options,
    points: &Points,
    dir: &'a str,
) -> Result<Plan<'a>, ExerciseReport> {
    let kit_crate = options.kit.join("exercises").join(dir);
    let manifest = kit::read(&kit_crate.join("Cargo.toml")).map_err(|e| ExerciseReport {
        dir: dir.to_string(),
        note: Some(format!("the kit's exercise cannot be read: {e}")),
        tests: Vec::new(),
    })?;
    let targets = test_targets(&manifest);
    let mut declared = Vec::new();
    for (_, path) in &targets {
        if let Ok(source) = std::fs::read_to_string(kit_crate.join(path)) {
            declared.extend(declared_tests(&source));
        }
    }
    Ok(Plan {
        dir,
        package: kit::package_name(&manifest).unwrap_or_else(|| dir.to_string()),
        targets,
        points: points.exercise(dir),
        declared,
    })
}

fn grade(options: &Options, points: &Points, dir: &str) -> ExerciseReport {
    let plan = match plan(options, points, dir) {
        Ok(plan) => plan,
        Err(report) => return report,
    };
    let scratch_dir = options.work.join("kits").join(dir);
    let scratch = match scratch::assemble(&options.kit, &options.submission, dir, &scratch_dir) {
        Ok(scratch) => scratch,
        Err(e) => {
            return plan.all_fail(format!(
                "not graded: the scratch workspace could not be made: {e}"
            ))
        }
    };
    if !scratch.submitted {
        return plan.all_fail(format!(
            "not submitted: the submission has no exercises/{dir}/src"
        ));
    }

    match build(options, &plan, &scratch.root) {
        Ok(binaries) => run_tests(options, &plan, &scratch.crate_dir, &binaries),
        Err(why) => plan.all_fail(why),
    }
}

/// Builds the exercise's test binaries: (target, path) of each, or why not.
fn build(options: &Options, plan: &Plan, root: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    // cargo's JSON messages name the test binaries, and carry the compiler's errors.
    let mut command = cargo();
    command
        .current_dir(root)
        .args([
            "test",
            "--no-run",
            "--message-format=json",
            "--color",
            "never",
            "-p",
            &plan.package,
        ])
        .arg("--target-dir")
        .arg(options.work.join("target"));
    for (target, _) in &plan.targets {
        command.args(["--test", target]);
    }
    if options.offline {
        command.arg("--offline");
    }
    let build = run::run(command, Instant::now() + options.build_timeout)
        .map_err(|e| format!("not graded: {e}"))?;
    let (binaries, errors) = read_build(&build.stdout, &build.stderr);
    match build.ended {
        Ended::Interrupted => Err("not graded: grading was interrupted during the build".into()),
        Ended::Deadline => Err(format!(
            "does not compile: the build took longer than {} s (--build-timeout-s)",
            options.build_timeout.as_secs_f64()
        )),
        Ended::Exited(_) if !build.success() || binaries.is_empty() => Err(format!(
            "does not compile: `cargo test -p {}` failed with the errors below.\n\n{errors}",
            plan.package
        )),
        Ended::Exited(_) => Ok(binaries),
    }
}

/// Runs each test by itself, under its own deadline and the exercise's.
fn run_tests(
    options: &Options,
    plan: &Plan,
    crate_dir: &Path,
    binaries: &[(String, PathBuf)],
) -> ExerciseReport {
    let limit = Instant::now() + options.timeout;
    let timeout_s = options.timeout.as_secs_f64();
    let mut results = Vec::new();
    let mut out_of_time = false;
    for (target, binary) in binaries {
        let tests = match list(binary, crate_dir, limit) {
            Ok(tests) => tests,
            Err(why) => {
                results.push((format!("{target} (test binary)"), false, why));
                continue;
            }
        };
        for test in tests {
            let now = Instant::now();
            let own = now + options.test_timeout;
            let (output, passed) = if run::interrupted() {
                ("not run: grading was interrupted".to_string(), false)
            } else if now >= limit {
                out_of_time = true;
                let why = format!(
                    "not run: the exercise's tests ran out of time (--timeout-s {timeout_s})"
                );
                (why, false)
            } else {
                eprintln!("grade:   {test}");
                run_test(binary, crate_dir, &test, own.min(limit), || {
                    let at = plan.step_of(&test);
                    if own <= limit {
                        let test_s = options.test_timeout.as_secs_f64();
                        format!(
                            "hung {at}\nno result within {test_s} s (--test-timeout-s): the test was stopped, and \
                             scores 0"
                        )
                    } else {
                        out_of_time = true;
                        format!(
                            "stopped {at}\nthe exercise's tests ran out of time (--timeout-s {timeout_s}) while this \
                             one was running"
                        )
                    }
                })
            };
            results.push((test, passed, output));
        }
    }
    let note = out_of_time.then(|| {
        format!("out of time: its tests ran past {timeout_s} s (--timeout-s); those that did not finish score 0")
    });
    plan.report(note, results)
}

/// The cargo that runs us.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The test binaries (target name, path) cargo built, and the errors it gave:
/// the compiler's, then cargo's own (a dependency that does not resolve, …).
fn read_build(stdout: &str, stderr: &str) -> (Vec<(String, PathBuf)>, String) {
    let mut binaries = Vec::new();
    let mut errors = String::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-artifact") if message["profile"]["test"] == true => {
                if let (Some(name), Some(path)) = (
                    message["target"]["name"].as_str(),
                    message["executable"].as_str(),
                ) {
                    binaries.push((name.to_string(), PathBuf::from(path)));
                }
            }
            Some("compiler-message")
                if message["message"]["level"]
                    .as_str()
                    .is_some_and(|l| l.starts_with("error")) =>
            {
                errors.push_str(message["message"]["rendered"].as_str().unwrap_or_default());
            }
            _ => {}
        }
    }
    const PROGRESS: [&str; 12] = [
        "Compiling",
        "Checking",
        "Finished",
        "Blocking",
        "Updating",
        "Locking",
        "Downloaded",
        "Downloading",
        "Adding",
        "Fresh",
        "Executable",
        "Removing",
    ];
    for line in stderr.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if !PROGRESS.contains(&first) && !line.starts_with("warning: build failed") {
            errors.push_str(line);
            errors.push('\n');
        }
    }
    (binaries, errors.trim_end().to_string())
}

/// The tests of a test binary that are not `#[ignore]`d, in its order.
fn list(binary: &Path, dir: &Path, limit: Instant) -> Result<Vec<String>, String> {
    let names = |extra: &[&str]| -> Result<Vec<String>, String> {
        let mut command = Command::new(binary);
        command
            .current_dir(dir)
            .args(["--list", "--format", "terse"])
            .args(extra);
        let listed = run::run(command, limit)?;
        if !listed.success() {
            return Err(format!(
                "the test binary could not list its tests:\n{}{}",
                listed.stdout, listed.stderr
            ));
        }
        Ok(listed
            .stdout
            .lines()
            .filter_map(|line| line.strip_suffix(": test"))
            .map(str::to_string)
            .collect())
    };
    let ignored = names(&["--ignored"])?;
    Ok(names(&[])?
        .into_iter()
        .filter(|t| !ignored.contains(t))
        .collect())
}

/// Runs one test; (output, passed). `hung()` words the output of a test
/// stopped at its deadline.
fn run_test(
    binary: &Path,
    dir: &Path,
    test: &str,
    deadline: Instant,
    hung: impl FnOnce() -> String,
) -> (String, bool) {
    let mut command = Command::new(binary);
    command
        .current_dir(dir)
        .env("CARGO_MANIFEST_DIR", dir)
        .args([test, "--exact", "--test-threads", "1", "--color", "never"]);
    let finished = match run::run(command, deadline) {
        Ok(finished) => finished,
        Err(e) => return (format!("not run: {e}"), false),
    };
    match finished.ended {
        Ended::Interrupted => (
            "stopped: grading was interrupted while this test ran".to_string(),
            false,
        ),
        Ended::Deadline => (hung(), false),
        Ended::Exited(status) => {
            let verdict = finished
                .stdout
                .lines()
                .find_map(|line| line.strip_prefix(&format!("test {test} ... ")))
                .map(str::trim);
            match verdict {
                Some("ok") if status.success() => (String::new(), true),
                Some("FAILED") => (failure_of(&finished.stdout, test), false),
                _ => {
                    let output = format!("{}{}", finished.stdout, finished.stderr);
                    let why = format!(
                        "the test process ended ({status}) without reporting a result:\n{output}"
                    );
                    (without_thread_ids(&why), false)
                }
            }
        }
    }
}

/// The failure's transcript from libtest's output: what the test printed and
/// its panic message, between `---- NAME stdout ----` and `failures:`.
fn failure_of(output: &str, test: &str) -> String {
    let header = format!("---- {test} stdout ----\n");
    let Some((_, rest)) = output.split_once(&header) else {
        return without_thread_ids(output.trim());
    };
    let body = rest.split("\nfailures:\n").next().unwrap_or(rest);
    without_thread_ids(body.trim())
}

/// `thread 'step1_x' (12345) panicked` as `thread 'step1_x' panicked`: the
/// thread's id changes from run to run, and says nothing to a student.
fn without_thread_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("' (") {
        let (before, after) = rest.split_at(at + 1);
        out.push_str(before);
        let digits = after[2..].chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[2 + digits..].starts_with(") panicked") {
            rest = &after[2 + digits + 1..];
        } else {
            rest = after;
            out.push_str(&rest[..1]);
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tests_and_their_steps_from_a_source() {
        let source = r#"
fn helper() { step(9, "not a test"); }

#[test]
fn step1_echoes() {
    step(1, "the server echoes \"every\" datagram");
    let x = 1;
}

#[test]
fn step3_spread_by_rustfmt() {
    step(
        3,
        "a line is everything up to its \\n",
    );
}

#[test]
#[ignore]
fn step2_no_step_call() {
}
"#;
        assert_eq!(
            declared_tests(source),
            vec![
                Declared {
                    name: "step1_echoes".into(),
                    step: Some("README step 1: the server echoes \"every\" datagram".into()),
                },
                Declared {
                    name: "step3_spread_by_rustfmt".into(),
                    step: Some("README step 3: a line is everything up to its \\n".into()),
                },
                Declared {
                    name: "step2_no_step_call".into(),
                    step: None,
                },
            ]
        );
    }

    #[test]
    fn reads_test_targets_and_their_paths() {
        let manifest = "[package]\nname = \"x\"\n\n[[test]]\nname = \"latency\"\npath = \"../../tests/latency.rs\"\n\n\
                        [[test]]\nname = \"extra\"\n";
        assert_eq!(
            test_targets(manifest),
            vec![
                ("latency".to_string(), "../../tests/latency.rs".to_string()),
                ("extra".to_string(), "tests/extra.rs".to_string())
            ]
        );
    }

    #[test]
    fn takes_the_failure_out_of_libtest_output() {
        let output = "\nrunning 1 test\ntest step1_a ... FAILED\n\nfailures:\n\n---- step1_a stdout ----\n\
                      thread 'step1_a' panicked at tests/x.rs:3:5:\nwrong answer\n\n\nfailures:\n    step1_a\n\n\
                      test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        assert_eq!(
            failure_of(output, "step1_a"),
            "thread 'step1_a' panicked at tests/x.rs:3:5:\nwrong answer"
        );
    }

    #[test]
    fn panic_messages_lose_their_thread_ids() {
        assert_eq!(
            without_thread_ids("thread 'step1_a' (31583) panicked at x.rs:1:1:\nsaid 'a' (1) ok"),
            "thread 'step1_a' panicked at x.rs:1:1:\nsaid 'a' (1) ok"
        );
    }

    #[test]
    fn finds_test_binaries_and_errors_in_cargo_messages() {
        let stdout = r#"{"reason":"compiler-message","message":{"level":"warning","rendered":"warning: unused\n"}}
{"reason":"compiler-message","message":{"level":"error","rendered":"error: expected `;`\n"}}
{"reason":"compiler-artifact","target":{"name":"latency","kind":["test"]},"profile":{"test":true},"executable":"/t/latency-1"}
{"reason":"compiler-artifact","target":{"name":"latency-server","kind":["bin"]},"profile":{"test":false},"executable":"/t/s"}
"#;
        let stderr = "   Compiling latency v0.1.0\nerror: could not compile `latency`\n";
        let (binaries, errors) = read_build(stdout, stderr);
        assert_eq!(
            binaries,
            vec![("latency".to_string(), PathBuf::from("/t/latency-1"))]
        );
        assert_eq!(
            errors,
            "error: expected `;`\nerror: could not compile `latency`"
        );
    }
}
