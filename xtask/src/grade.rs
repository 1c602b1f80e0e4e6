//! `cargo xtask grade`: scores a submission, test by test, for a person or a
//! grading pipeline (Gradescope JSON, JUnit XML, a text table).
//!
//! Black-box grading: the kit's test binaries are built from the kit alone
//! ([`trusted`]); the student's programs are built apart from their `src/`
//! and registry dependencies, or given as executables ([`student`]); each
//! test then runs by itself under its own deadline ([`run`]) against those
//! programs, through the harness's program overrides (`IPC_KIT_BIN_*`, with
//! `IPC_KIT_REQUIRE_BIN=1` so a program not given is never the stub's). Run as
//! root, the programs run as the sandbox user ([`sandbox`]). An exercise that
//! does not compile scores 0 with the compiler's errors; a test that hangs is
//! stopped and scores 0 with the README step it checks; the others are graded
//! as usual. The report is written by grade alone, whatever happens.
//!
//! See docs/grading.md for the options, the trust model and the recipes.

mod declared;
mod libtest;
mod manifest;
mod options;
mod report;
mod run;
mod sandbox;
mod student;
mod toolchain;
mod trusted;

use std::fs;
use std::io::IsTerminal;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::kit;
use crate::points::Points;
use declared::{declared_tests, Declared};
use libtest::{failure_of, listed, without_thread_ids};
pub use options::USAGE;
use options::{Format, Options};
use report::{ExerciseReport, Report, TestReport};
use run::Ended;
use sandbox::Sandbox;

/// `cargo xtask grade …`: Ok(true) when the report was written (and, with
/// `--require-pass`, every test passed).
pub fn run(args: &[String]) -> Result<bool, String> {
    let options = options::parse(args)?;
    run::catch_interrupts();
    let points = Points::load(&options.kit)?;
    let selected = select(&options)?;
    let sandbox = Sandbox::choose()?;
    if options.require_sandbox && matches!(sandbox, Sandbox::None) {
        return Err(
            "--require-sandbox: grade is not root, so the programs would run unsandboxed".into(),
        );
    }
    work_dir(&options.work)?;
    let gaps = sandbox.readable(&[
        &options.kit.join("solutions"),
        &options.kit.join("target"),
        &options.kit.join("tests"),
        &options.work.join("trusted"),
    ]);
    if options.require_sandbox && !gaps.is_empty() {
        return Err(format!(
            "--require-sandbox: {} (make the kit's checkout unreadable to others: chmod 700 it)",
            gaps.join("; ")
        ));
    }

    // With --out, a report is there from the start and after each exercise, in
    // case grading is killed outright (and an unwritable --out shows at once).
    let mut report = Report {
        sandbox: sandbox.line(),
        ..Report::default()
    };
    for gap in &gaps {
        report.sandbox.push_str(&format!("\nnot sandboxed: {gap}"));
    }
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
    let progress = Progress::new();
    for dir in &selected {
        let graded = if run::interrupted() {
            not_graded(
                &options,
                &points,
                dir,
                "not graded: grading was interrupted first",
            )
        } else {
            progress.say(dir);
            let graded = grade(&options, &points, dir, &sandbox, &progress);
            clean_up(&options, &sandbox, dir);
            graded
        };
        report.exercises.push(graded);
        so_far(&mut report)?;
    }
    progress.done();
    if run::interrupted() {
        report
            .notes
            .push("grading was interrupted: the tests it did not finish score 0".to_string());
    }
    clean_up(&options, &sandbox, "the last exercise");
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

/// Kills what the programs left running: every process of the sandbox user,
/// and every process running an executable of the work dir.
fn clean_up(options: &Options, sandbox: &Sandbox, what: &str) {
    let left = sandbox.kill_all() + run::sweep(&options.work);
    if left > 0 {
        eprintln!("grade: {what}: killed {left} program(s) its tests left running");
    }
}

/// The work dir, made by grade: a folder grade owns (not a link someone left),
/// that others may cross (to run their programs) but not list.
fn work_dir(work: &Path) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("the work dir {}: {e}", work.display());
    fs::create_dir_all(work).map_err(fail)?;
    let meta = fs::symlink_metadata(work).map_err(fail)?;
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if !meta.is_dir() || meta.uid() != me {
        return Err(format!(
            "the work dir {} is not a folder of this user's (uid {me}): choose another with --work-dir",
            work.display()
        ));
    }
    fs::set_permissions(work, fs::Permissions::from_mode(0o711)).map_err(fail)
}

/// Where grading is, on stderr: one line rewritten on a terminal, plain lines
/// otherwise (a log).
struct Progress {
    terminal: bool,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn say(&self, what: &str) {
        if self.terminal {
            eprint!("\r\x1b[Kgrade: {what}");
        } else {
            eprintln!("grade: {what}");
        }
    }

    fn done(&self) {
        if self.terminal {
            eprint!("\r\x1b[K");
        }
    }
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

/// What grading one exercise needs to know before it builds.
struct Plan<'a> {
    dir: &'a str,
    /// The exercise's crate, `latency`.
    package: String,
    /// The kit's exercise crate.
    kit_crate: PathBuf,
    /// Its programs (`latency-server`, …).
    programs: Vec<String>,
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
    let targets = kit::test_targets(&manifest);
    let mut declared = Vec::new();
    for (_, path) in &targets {
        if let Ok(source) = std::fs::read_to_string(kit_crate.join(path)) {
            declared.extend(declared_tests(&source));
        }
    }
    let package = kit::package_name(&manifest).unwrap_or_else(|| dir.to_string());
    Ok(Plan {
        dir,
        programs: manifest::programs(&kit_crate, &package),
        kit_crate,
        package,
        targets,
        points: points.exercise(dir),
        declared,
    })
}

fn grade(
    options: &Options,
    points: &Points,
    dir: &str,
    sandbox: &Sandbox,
    progress: &Progress,
) -> ExerciseReport {
    let plan = match plan(options, points, dir) {
        Ok(plan) => plan,
        Err(report) => return report,
    };
    let deadline = Instant::now() + options.build_timeout;
    let binaries = match trusted::build(
        &options.kit,
        &options.work,
        &plan.package,
        &plan.targets,
        deadline,
        options.offline,
    ) {
        Ok(binaries) => binaries,
        Err(why) => return plan.all_fail(why),
    };
    let as_user = match sandbox {
        Sandbox::User { uid, gid, .. } => {
            match toolchain::AsUser::prepare(
                &options.work,
                &options.kit,
                *uid,
                *gid,
                options.offline,
            ) {
                Ok(user) => Some(user),
                Err(why) => {
                    return plan.all_fail(format!(
                        "not graded: the sandbox user's toolchain could not be made ready: {why}"
                    ))
                }
            }
        }
        Sandbox::None => None,
    };
    let build = student::Build {
        kit: &options.kit,
        submission: &options.submission,
        dir,
        package: &plan.package,
        programs: &plan.programs,
        work: options.work.join("student"),
        deadline,
        offline: options.offline,
        as_user: as_user.as_ref(),
    };
    let programs = match student::programs(&build) {
        Ok(programs) => programs,
        Err(why) => return plan.all_fail(why),
    };
    // Every program named: one the submission lacks fails its tests.
    let mut env = vec![("IPC_KIT_REQUIRE_BIN".to_string(), "1".to_string())];
    for program in &plan.programs {
        let var = kit::bin_var(program);
        if let Some((_, path)) = programs.iter().find(|(name, _)| name == program) {
            env.push((var, path.to_string_lossy().into_owned()));
        }
    }
    if let Some(value) = sandbox.env() {
        env.push(("IPC_KIT_SANDBOX".to_string(), value));
        env.push((
            "PATH".to_string(),
            "/usr/local/bin:/usr/bin:/bin".to_string(),
        ));
    }
    run_tests(options, &plan, &binaries, &env, sandbox, progress)
}

/// Runs each test by itself, under its own deadline and the exercise's.
fn run_tests(
    options: &Options,
    plan: &Plan,
    binaries: &[(String, PathBuf)],
    env: &[(String, String)],
    sandbox: &Sandbox,
    progress: &Progress,
) -> ExerciseReport {
    let crate_dir = plan.kit_crate.as_path();
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
                progress.say(&format!("{}: {test}", plan.dir));
                let ran = run_test(binary, crate_dir, env, &test, own.min(limit), || {
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
                });
                sandbox.kill_all();
                ran
            };
            results.push((test, passed, output));
        }
    }
    let note = out_of_time.then(|| {
        format!("out of time: its tests ran past {timeout_s} s (--timeout-s); those that did not finish score 0")
    });
    plan.report(note, results)
}

/// The tests of a test binary that are not `#[ignore]`d, in its order.
fn list(binary: &Path, dir: &Path, limit: Instant) -> Result<Vec<String>, String> {
    let names = |extra: &[&str]| -> Result<Vec<String>, String> {
        let mut command = test_binary(binary, dir, &[]);
        command.args(["--list", "--format", "terse"]).args(extra);
        let done = run::run(command, limit)?;
        if !done.success() {
            return Err(format!(
                "the test binary could not list its tests:\n{}{}",
                done.stdout, done.stderr
            ));
        }
        Ok(listed(&done.stdout))
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
    env: &[(String, String)],
    test: &str,
    deadline: Instant,
    hung: impl FnOnce() -> String,
) -> (String, bool) {
    let mut command = test_binary(binary, dir, env);
    command.args([test, "--exact", "--test-threads", "1", "--color", "never"]);
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

/// A kit test binary, run as root in the kit's crate, with no variable of
/// the caller's that could change the tests and with grade's own `env`.
fn test_binary(binary: &Path, dir: &Path, env: &[(String, String)]) -> Command {
    let mut command = Command::new(binary);
    crate::cargo::scrub(&mut command);
    command
        .current_dir(dir)
        .env("CARGO_MANIFEST_DIR", dir)
        .envs(env.iter().map(|(k, v)| (k, v)));
    command
}
