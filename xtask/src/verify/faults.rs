//! The faults of an exercise, each run in place of the program it replaces
//! through `IPC_KIT_BIN_<PROGRAM>` under the solution's tests:
//!
//! - a fault (a bin of the faults crate, or a foreign program in `python/`)
//!   must fail the test its header names as `rejected-by`, and pass every
//!   test its `accepted-by` prefixes name;
//! - each hostile fixture declared for a program must fail the declared test
//!   within [`kit::HOSTILE_WITHIN_S`]; every program of the stub has a
//!   declaration, and each names programs, fixtures and tests that exist.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::build;
use super::pool::run_tests;
use super::text::{nearest, print_tail, report_of};
use super::Tally;
use crate::cargo::{Outcome, TestRun};
use crate::kit::{self, Exercise, Faults};

/// One run of the solution's tests with one program replaced.
pub struct Check {
    /// `server-1024-buffer (latency-server)`.
    label: String,
    /// `IPC_KIT_BIN_LATENCY_SERVER` and the program standing in for it.
    env: (String, String),
    expect: Expect,
    /// What is wrong with the program (or why it is there), for a report.
    mistake: String,
}

enum Expect {
    /// This test, of this target, fails (within so many seconds).
    Rejected {
        test: String,
        target: String,
        within_s: Option<f64>,
    },
    /// Every test named by these prefixes passes, and at least one runs.
    Accepted { prefixes: Vec<String> },
}

/// How many jobs a program that must pass every test is run as: in one
/// piece, group chat's Python peer was the last job still running (10.7 s,
/// where every other job took 6 s at most); its tests mostly wait on
/// deadlines and peers, so four pieces share two cores well. (The
/// solution's own suite stays one job: cut in four as well, it kept two
/// cores so busy that a hostile fixture's 4 s wait ended past verify's 5 s
/// limit in 2 of 9 loaded rounds.)
const PARTS: usize = 4;

/// The `part`-th of [`PARTS`] shares of `names`: every `PARTS`-th name, in
/// their sorted order, so that each share gets some of every step.
fn share(names: &[String], part: usize) -> Vec<&str> {
    let mut sorted: Vec<&str> = names.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.into_iter().skip(part).step_by(PARTS).collect()
}

impl Check {
    /// Its row's name in the table: the fault and what it is expected to do.
    pub fn name(&self) -> String {
        format!("{} {}", self.label, expectation(&self.expect))
    }

    /// How many jobs it runs as: [`PARTS`] for a program accepted (it runs
    /// every test), else one.
    pub fn parts(&self) -> usize {
        match self.expect {
            Expect::Accepted { .. } => PARTS,
            Expect::Rejected { .. } => 1,
        }
    }

    /// How long it may take, before verify has timed it (on a fresh clone):
    /// a program accepted runs many tests; a hostile fixture is rejected when
    /// the harness's patience (4 s) runs out; most faults fail at once.
    pub fn first_guess(&self) -> f64 {
        match &self.expect {
            Expect::Accepted { .. } => 8.0 / PARTS as f64,
            Expect::Rejected { .. } if self.label.starts_with("hostile ") => 4.0,
            Expect::Rejected { .. } => 1.0,
        }
    }
}

/// What verify knows of the exercise when it checks its faults.
pub struct Context<'a> {
    pub exercise: &'a Exercise,
    pub solution: &'a str,
    pub solutions_dir: &'a Path,
    /// Each test of the exercise, with its `[[test]]` target.
    pub target_of: &'a HashMap<String, String>,
    /// The solution's test binaries, by target.
    pub binaries: &'a HashMap<String, PathBuf>,
}

/// Prints the table of the checks and what their runs did.
pub fn report(
    context: &Context,
    checks: &[Check],
    runs: Vec<Result<TestRun, String>>,
    tally: &mut Tally,
) {
    let width = checks
        .iter()
        .map(|c| c.label.len())
        .chain([16])
        .max()
        .unwrap_or(50);
    let column = checks
        .iter()
        .map(|c| expectation(&c.expect).len())
        .chain([16])
        .max()
        .unwrap_or(50);
    println!(
        "  {:<4} {:<width$} {:<column$} result",
        "", "fault (replaces)", "with it in place"
    );
    for (check, run) in checks.iter().zip(runs) {
        let row = |verdict: &str| {
            format!(
                "{:<width$} {:<column$} {verdict}",
                check.label,
                expectation(&check.expect)
            )
        };
        let run = match run {
            Ok(run) => run,
            Err(e) => {
                tally.check(false, row(&e));
                continue;
            }
        };
        let (ok, verdict, shown) = judge(context, check, &run);
        tally.check(ok, row(&verdict));
        if !ok {
            explain(context, check, &run, &shown);
        }
    }
}

/// `step1_x fails` or `step1_* step2_* pass`.
fn expectation(expect: &Expect) -> String {
    match expect {
        Expect::Rejected { test, .. } => format!("{test} fails"),
        Expect::Accepted { prefixes } => {
            let named: Vec<String> = prefixes.iter().map(|p| format!("{p}*")).collect();
            format!("{} pass", named.join(" "))
        }
    }
}

/// The checks to run: every fault's directions, every declared fixture; a
/// header or declaration naming what does not exist fails here instead.
pub fn checks(context: &Context, faults: &Faults, tally: &mut Tally) -> Vec<Check> {
    let exercise = context.exercise;
    let tests: BTreeSet<&String> = context.target_of.keys().collect();
    let programs = &exercise.bins;
    let known_test = |test: &str, tally: &mut Tally, whose: &str| -> bool {
        if tests.iter().any(|t| *t == test) {
            return true;
        }
        let near = match nearest(test, tests.iter().copied()) {
            Some(near) => format!(": did you mean {near}?"),
            None => String::new(),
        };
        tally.check(false, format!("{whose}: no test {test}{near}"));
        false
    };
    let known_program = |program: &str, tally: &mut Tally, whose: &str| -> bool {
        let known = programs.iter().any(|p| p == program);
        if !known {
            tally.check(
                false,
                format!(
                    "{whose}: the stub {} builds no program {program} (its programs: {})",
                    exercise.package,
                    programs.join(", ")
                ),
            );
        }
        known
    };

    let mut checks = Vec::new();
    for fault in &faults.faults {
        let whose = format!("{} (replaces {})", fault.name, fault.replaces);
        if !known_program(&fault.replaces, tally, &whose) {
            continue;
        }
        let program = match fault.foreign {
            true => fault.source.clone(),
            false => context.solutions_dir.join(build::PROFILE).join(&fault.name),
        };
        let label = format!("{} ({})", fault.name, fault.replaces);
        let env = (
            override_var(&fault.replaces),
            program.to_string_lossy().into_owned(),
        );
        if let Some(test) = &fault.rejected_by {
            if known_test(test, tally, &whose) {
                checks.push(Check {
                    label: label.clone(),
                    env: env.clone(),
                    expect: Expect::Rejected {
                        test: test.clone(),
                        target: context.target_of[test].clone(),
                        within_s: fault.within_s,
                    },
                    mistake: fault.mistake.clone(),
                });
            }
        }
        if !fault.accepted_by.is_empty() {
            let unmatched: Vec<&String> = fault
                .accepted_by
                .iter()
                .filter(|prefix| !tests.iter().any(|t| t.starts_with(prefix.as_str())))
                .collect();
            if unmatched.is_empty() {
                checks.push(Check {
                    label,
                    env,
                    expect: Expect::Accepted {
                        prefixes: fault.accepted_by.clone(),
                    },
                    mistake: fault.mistake.clone(),
                });
            } else {
                tally.check(
                    false,
                    format!("{whose}: accepted-by {unmatched:?} names no test"),
                );
            }
        }
    }

    let fixtures = kit::hostile_fixtures(&kit::root()).unwrap_or_default();
    let manifest = format!("tests/faults/{}/Cargo.toml", exercise.dir);
    for program in programs {
        if !faults.hostile.iter().any(|h| h.program == *program) {
            tally.check(
                false,
                format!(
                    "{manifest}: [package.metadata.hostile] declares nothing for {program} \
                     (every program of the stub needs its hostile fixtures)"
                ),
            );
        }
    }
    for hostile in &faults.hostile {
        let whose = format!("{manifest}: hostile {}", hostile.program);
        if !known_program(&hostile.program, tally, &whose)
            || !known_test(&hostile.rejected_by, tally, &whose)
        {
            continue;
        }
        for fixture in &hostile.fixtures {
            if !fixtures.contains(fixture) {
                tally.check(
                    false,
                    format!(
                        "{whose}: no fixture {fixture} (the fixtures: {})",
                        fixtures.join(", ")
                    ),
                );
                continue;
            }
            let program = context.solutions_dir.join(build::PROFILE).join(fixture);
            checks.push(Check {
                label: format!("hostile {fixture} ({})", hostile.program),
                env: (
                    override_var(&hostile.program),
                    program.to_string_lossy().into_owned(),
                ),
                expect: Expect::Rejected {
                    test: hostile.rejected_by.clone(),
                    target: context.target_of[&hostile.rejected_by].clone(),
                    within_s: Some(kit::HOSTILE_WITHIN_S),
                },
                mistake: format!(
                    "the hostile fixture {fixture} ({}/src/bin/{fixture}.rs): the harness must \
                     fail the test fast and leave nothing running",
                    kit::HOSTILE_DIR
                ),
            });
        }
    }
    checks
}

fn override_var(program: &str) -> String {
    format!("IPC_KIT_BIN_{}", program.to_uppercase().replace('-', "_"))
}

/// Runs the tests a check names (for a program accepted, share `part` of
/// them: [`share`]), straight from the solution's test binaries.
pub fn run(context: &Context, check: &Check, part: usize, cwd: &Path) -> Result<TestRun, String> {
    let env = [check.env.clone()];
    match &check.expect {
        Expect::Rejected { test, target, .. } => {
            let binary = context
                .binaries
                .get(target)
                .ok_or(format!("no test binary for target {target}"))?;
            run_tests(binary, cwd, &env, &[test, "--exact"])
        }
        Expect::Accepted { prefixes } => {
            let named: Vec<String> = context
                .target_of
                .keys()
                .filter(|name| prefixes.iter().any(|p| name.starts_with(p.as_str())))
                .cloned()
                .collect();
            let mine = share(&named, part);
            let mut all = TestRun::default();
            for target in &context.exercise.tests {
                let binary = context
                    .binaries
                    .get(target)
                    .ok_or(format!("no test binary for target {target}"))?;
                let mut args: Vec<&str> = mine
                    .iter()
                    .filter(|name| context.target_of[**name] == *target)
                    .copied()
                    .collect();
                if args.is_empty() {
                    continue;
                }
                args.push("--exact");
                let run = run_tests(binary, cwd, &env, &args)?;
                all.merge(run);
            }
            Ok(all)
        }
    }
}

/// What a loaded machine may add to a limit on how fast a test rejects a
/// program (`within-s`, and every hostile fixture's [`kit::HOSTILE_WITHIN_S`]).
/// A limit is the program's patience and a second: a test that waited for a
/// long default, or a CI limit, rather than its deadline. On two cores busy
/// with `yes` ×2 and verify's eight jobs, starting and stopping the programs
/// took up to 3.5 s more: a 4 s wait was rejected in 5.0–7.5 s in 5 of 21
/// rounds. The slack keeps every limit under what it guards against: a
/// silent program given the 6 s of busy grace, a client its 10 s default.
const LOADED_SLACK_S: f64 = 3.0;

/// Whether the check holds, its verdict, and the tests whose reports to show.
fn judge(context: &Context, check: &Check, run: &TestRun) -> (bool, String, Vec<String>) {
    match &check.expect {
        Expect::Rejected { test, within_s, .. } => {
            let in_time = within_s.is_none_or(|limit| run.seconds <= limit + LOADED_SLACK_S);
            match run.outcome(test) {
                Some(Outcome::Failed) if in_time => {
                    (true, format!("rejected in {:.1} s", run.seconds), vec![])
                }
                Some(Outcome::Failed) => (
                    false,
                    format!(
                        "rejected, but in {:.1} s (must be within {} s, and {LOADED_SLACK_S} s \
                         more on a loaded machine)",
                        run.seconds,
                        within_s.unwrap_or_default()
                    ),
                    vec![test.clone()],
                ),
                Some(Outcome::Passed) => (false, "NOT REJECTED: the test passed".into(), vec![]),
                _ => match nearest(test, context.target_of.keys()) {
                    Some(near) if near != test => {
                        (false, format!("no such test: did you mean {near}?"), vec![])
                    }
                    _ => (false, "the test did not run".into(), vec![]),
                },
            }
        }
        Expect::Accepted { .. } => {
            let failed: Vec<String> = run
                .results
                .iter()
                .filter(|(_, outcome)| *outcome != Outcome::Passed)
                .map(|(name, _)| name.clone())
                .collect();
            let passed = run.results.len() - failed.len();
            if run.results.is_empty() {
                (false, "NOT ACCEPTED: no test ran".into(), vec![])
            } else if failed.is_empty() {
                (true, format!("accepted: {passed} tests pass"), vec![])
            } else {
                let verdict = format!(
                    "NOT ACCEPTED: {} of {} fail",
                    failed.len(),
                    passed + failed.len()
                );
                (false, verdict, failed)
            }
        }
    }
}

/// What a student of the kit needs to see a check fail: the mistake, how to
/// reproduce it, and the reports of the tests that went wrong.
fn explain(context: &Context, check: &Check, run: &TestRun, shown: &[String]) {
    println!("         the program: {}", check.mistake);
    let filter = match &check.expect {
        Expect::Rejected { test, target, .. } => format!("--test {target} -- {test} --exact"),
        Expect::Accepted { prefixes } => format!("-- {}", prefixes.join(" ")),
    };
    println!(
        "         reproduce: {}={} cargo test -p {} --profile {} --target-dir {} {filter}",
        check.env.0,
        check.env.1,
        context.solution,
        build::PROFILE,
        context.solutions_dir.display(),
    );
    for test in shown {
        if let Some(report) = report_of(&run.output, test) {
            print_tail(report, 30);
        }
    }
    if shown.is_empty() && !run.results.is_empty() {
        print_tail(&run.output, 20);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::{Fault, Hostile};

    fn exercise() -> Exercise {
        Exercise {
            dir: "01-echo".into(),
            package: "echo".into(),
            bins: vec!["echo-server".into(), "echo-client".into()],
            tests: vec!["echo".into()],
            solution: Some("echo-solution".into()),
            faults: Some("echo-faults".into()),
            readme: String::new(),
        }
    }

    fn hostile(program: &str, fixtures: &[&str], rejected_by: &str) -> Hostile {
        Hostile {
            program: program.into(),
            fixtures: fixtures.iter().map(|f| f.to_string()).collect(),
            rejected_by: rejected_by.into(),
        }
    }

    /// The labels of the checks, and how many rows failed before any ran.
    fn checked(faults: &Faults) -> (Vec<String>, usize) {
        let exercise = exercise();
        let target_of: HashMap<String, String> = ["step1_echoes", "step2_client_gives_up"]
            .iter()
            .map(|t| (t.to_string(), "echo".to_string()))
            .collect();
        let context = Context {
            exercise: &exercise,
            solution: "echo-solution",
            solutions_dir: Path::new("/nowhere"),
            target_of: &target_of,
            binaries: &HashMap::new(),
        };
        let mut tally = Tally::default();
        let checks = checks(&context, faults, &mut tally);
        (checks.into_iter().map(|c| c.label).collect(), tally.failed)
    }

    #[test]
    fn every_program_needs_a_hostile_declaration() {
        let mut faults = Faults {
            faults: vec![],
            hostile: vec![
                hostile(
                    "echo-server",
                    &["exits-at-once", "silent-server"],
                    "step1_echoes",
                ),
                hostile("echo-client", &["never-exits"], "step2_client_gives_up"),
            ],
        };
        let (labels, failed) = checked(&faults);
        assert_eq!(failed, 0);
        assert_eq!(
            labels,
            [
                "hostile exits-at-once (echo-server)",
                "hostile silent-server (echo-server)",
                "hostile never-exits (echo-client)"
            ]
        );
        faults.hostile.pop();
        assert_eq!(checked(&faults).1, 1, "echo-client undeclared");
    }

    #[test]
    fn a_declaration_names_programs_fixtures_and_tests_that_exist() {
        let faults = Faults {
            faults: vec![],
            hostile: vec![
                hostile("echo-server", &["exits-at-once", "shouts"], "step1_echoes"),
                hostile("echo-client", &["never-exits"], "step2_client_gives_upp"),
                hostile("echo-proxy", &["never-exits"], "step1_echoes"),
            ],
        };
        let (labels, failed) = checked(&faults);
        assert_eq!(labels, ["hostile exits-at-once (echo-server)"]);
        // The fixture `shouts`, the misspelt test, the program echo-proxy.
        assert_eq!(failed, 3);
    }

    #[test]
    fn a_fault_can_be_rejected_and_accepted() {
        let fault = Fault {
            name: "server-threaded".into(),
            source: PathBuf::from("/kit/tests/faults/01-echo/src/bin/server-threaded.rs"),
            foreign: false,
            replaces: "echo-server".into(),
            rejected_by: Some("step2_client_gives_up".into()),
            accepted_by: vec!["step1_".into()],
            mistake: "one thread per client".into(),
            within_s: None,
        };
        let python = Fault {
            name: "echo-server-plain.py".into(),
            source: PathBuf::from("/kit/tests/faults/01-echo/python/echo-server-plain.py"),
            foreign: true,
            accepted_by: vec!["step1_".into(), "step9_".into()],
            rejected_by: None,
            ..fault.clone()
        };
        let faults = Faults {
            faults: vec![fault, python],
            hostile: vec![
                hostile("echo-server", &["exits-at-once"], "step1_echoes"),
                hostile("echo-client", &["never-exits"], "step2_client_gives_up"),
            ],
        };
        let (labels, failed) = checked(&faults);
        // step9_ names no test: the python program's acceptance is not run.
        assert_eq!(failed, 1);
        assert_eq!(
            labels,
            [
                "server-threaded (echo-server)",
                "server-threaded (echo-server)",
                "hostile exits-at-once (echo-server)",
                "hostile never-exits (echo-client)"
            ]
        );
    }
}
