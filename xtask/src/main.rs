//! `cargo xtask`: the kit's own tasks.
//!
//! - `verify`: every reference solution passes every test (and clippy), every
//!   test fails against the untouched stub, every fault in `tests/faults/` is
//!   rejected by the test it names. What CI runs.
//! - `grade`: scores a submission test by test, for a person or a grading
//!   pipeline (Gradescope JSON, JUnit XML, text); see docs/grading.md.
//! - `list`: the exercises, their concepts, and how many tests pass now.
//! - `watch`, `hint`: for the student: rerun on save with a step checklist,
//!   and the README's hint for the step they are stuck on.
//! - `new`: the skeleton of a new exercise, every folder verify looks for.
//! - `mutants`: cargo-mutants on a reference solution (docs/mutants/).
//!
//! Exercises are discovered from the folders: `exercises/NN-name/` (the stub
//! crate and its README), `solutions/NN-name/`, `tests/faults/NN-name/`. Adding
//! an exercise is adding those folders (`cargo xtask new` writes them).

mod cargo;
mod grade;
mod hint;
mod kit;
mod list;
mod mutants;
mod new;
mod points;
mod verify;
mod watch;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  verify [--exercise NAME]...   prove every solution passes, every stub fails, every fault is caught
  grade [options]               score a submission, test by test (cargo xtask grade --help)
  list                          the exercises, their concepts, and how many tests pass now
  watch [EXERCISE]              rerun on every save: the steps to do and the first failure
  hint EXERCISE [STEP]          the README's hint for STEP, or for the first failing step
  new NN-name --bins a,b        the skeleton of a new exercise (cargo xtask new --help)
  mutants [EXERCISE] [--as PROGRAM=BIN] [-- ARGS]
                                cargo-mutants on a reference solution, with its exercise's tests
                                (--as: with the solution's BIN standing in for PROGRAM)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("verify") => verify::run(&args[1..]),
        Some("grade") if args[1..].iter().any(|a| a == "-h" || a == "--help") => {
            println!("{}", grade::USAGE);
            return ExitCode::SUCCESS;
        }
        Some("grade") => match grade::run(&args[1..]) {
            // No report: say so with a code of its own, apart from --require-pass's 1.
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
            result => result,
        },
        Some("list") => list::run(),
        Some("watch") => watch::run(&args[1..]),
        Some("hint") => hint::run(&args[1..]),
        Some("mutants") => mutants::run(&args[1..]),
        Some("new") => new::run(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}
