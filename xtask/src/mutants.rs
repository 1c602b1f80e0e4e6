//! `cargo xtask mutants [EXERCISE] [-- ARGS…]`: mutation testing of the
//! reference solutions, with the settings docs/mutants/ records.
//!
//! cargo-mutants changes a solution one small way at a time and runs the
//! exercise's tests against each change; a change no test notices is a test
//! the kit lacks, or a change nobody could observe (docs/mutants/NN-name.md
//! says which). This runs it one exercise at a time, niced, one job, with a
//! 40 s timeout per mutant, and its output in `target/mutants/NN-name/`.
//! Arguments after `--` go to cargo-mutants (`-- --file src/lines.rs`,
//! `-- --list`).

use std::process::Command;

use crate::hint;
use crate::kit;

/// Runs cargo-mutants on the solution of EXERCISE, or of every exercise in
/// turn; true when no mutant was missed.
pub fn run(args: &[String]) -> Result<bool, String> {
    let split = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let (names, extra) = (&args[..split], args.get(split + 1..).unwrap_or_default());
    let exercises = match names {
        [] => kit::exercises()?,
        [name] => vec![hint::find(name)?],
        _ => return Err("usage: cargo xtask mutants [EXERCISE] [-- CARGO-MUTANTS ARGS]".into()),
    };
    if Command::new("cargo")
        .args(["mutants", "--version"])
        .output()
        .map_or(true, |out| !out.status.success())
    {
        return Err("cargo-mutants is not installed: cargo install cargo-mutants --locked".into());
    }
    let root = kit::root();
    let mut clean = true;
    for exercise in exercises {
        let solution = root.join("solutions").join(&exercise.dir);
        if !solution.is_dir() {
            continue;
        }
        let output = kit::target_dir().join("mutants").join(&exercise.dir);
        println!(
            "== {}: cargo mutants -d solutions/{}",
            exercise.dir, exercise.dir
        );
        // Niced and one job: the tests of every mutant start servers, and a
        // machine made busy by the run itself makes them slow, not wrong.
        let status = Command::new("nice")
            .args(["-n", "10", "cargo", "mutants", "-d"])
            .arg(&solution)
            .args(["--timeout", "40", "-j", "1", "-o"])
            .arg(&output)
            .args(extra)
            .current_dir(&root)
            .status()
            .map_err(|err| format!("cannot run cargo mutants: {err}"))?;
        // cargo-mutants exits 0 when every mutant was caught (or unviable),
        // 2 when some were missed, 3 when some timed out (caught, slowly).
        match status.code() {
            Some(0 | 3) => {}
            Some(2) => clean = false,
            _ => {
                return Err(format!(
                    "cargo mutants failed on {}: {status}",
                    exercise.dir
                ))
            }
        }
        println!(
            "   missed mutants (if any): {}",
            output.join("mutants.out/missed.txt").display()
        );
    }
    Ok(clean)
}
