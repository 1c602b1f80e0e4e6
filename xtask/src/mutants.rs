//! `cargo xtask mutants [EXERCISE] [--as PROGRAM=BIN] [-- ARGS…]`: mutation
//! testing of the reference solutions, with the settings docs/mutants/
//! records.
//!
//! cargo-mutants changes a solution one small way at a time and runs the
//! exercise's tests against each change; a change no test notices is a test
//! the kit lacks, or a change nobody could observe (docs/mutants/NN-name.md
//! says which). This runs it one exercise at a time, niced, one job, with a
//! 40 s timeout per mutant, and its output in `target/mutants/NN-name/`.
//! Arguments after `--` go to cargo-mutants (`-- --file src/lines.rs`,
//! `-- --list`).
//!
//! `--as chat-server=chat-server-threads` tests a second program of the
//! solution, one the tests never start by themselves: each mutant's tests run
//! it in place of `chat-server`, through `IPC_KIT_BIN_CHAT_SERVER`. That
//! variable needs the path of the mutant's build, which cargo-mutants keeps
//! in a scratch copy of its own; so the kit is copied first, to
//! `target/mutants/NN-name-as-BIN/kit`, and cargo-mutants mutates that copy
//! in place, where the build's path is known. The checkout is never touched.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::hint;
use crate::kit::{self, Exercise};

/// A solution's program standing in for one the tests start.
struct StandIn {
    /// The program the tests start: `chat-server`.
    program: String,
    /// The solution's binary that replaces it: `chat-server-threads`.
    bin: String,
}

/// Runs cargo-mutants on the solution of EXERCISE, or of every exercise in
/// turn; true when no mutant was missed.
pub fn run(args: &[String]) -> Result<bool, String> {
    const USAGE: &str =
        "usage: cargo xtask mutants [EXERCISE] [--as PROGRAM=BIN] [-- CARGO-MUTANTS ARGS]";
    let split = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let (ours, extra) = (&args[..split], args.get(split + 1..).unwrap_or_default());
    let mut names = Vec::new();
    let mut stand_in = None;
    let mut ours = ours.iter();
    while let Some(arg) = ours.next() {
        if arg == "--as" {
            let value = ours.next().ok_or(USAGE)?;
            let (program, bin) = value.split_once('=').ok_or(USAGE)?;
            stand_in = Some(StandIn {
                program: program.into(),
                bin: bin.into(),
            });
        } else {
            names.push(arg.clone());
        }
    }
    let exercises = match (names.as_slice(), &stand_in) {
        ([], None) => kit::exercises()?,
        ([name], _) => vec![hint::find(name)?],
        _ => return Err(format!("{USAGE} (--as needs one EXERCISE)")),
    };
    if Command::new("cargo")
        .args(["mutants", "--version"])
        .output()
        .map_or(true, |out| !out.status.success())
    {
        return Err("cargo-mutants is not installed: cargo install cargo-mutants --locked".into());
    }
    let mut clean = true;
    for exercise in exercises {
        if !kit::root().join("solutions").join(&exercise.dir).is_dir() {
            continue;
        }
        clean &= match &stand_in {
            None => mutate(&exercise, &kit::root(), None, extra)?,
            Some(stand_in) => {
                let copy = copy_of_the_kit(&exercise, stand_in)?;
                mutate(&exercise, &copy, Some(stand_in), extra)?
            }
        };
    }
    Ok(clean)
}

/// One run of cargo-mutants on the solution in `kit` (the checkout, or a
/// copy to mutate in place); true when no mutant was missed.
fn mutate(
    exercise: &Exercise,
    kit: &Path,
    stand_in: Option<&StandIn>,
    extra: &[String],
) -> Result<bool, String> {
    let solution = kit.join("solutions").join(&exercise.dir);
    let mut name = exercise.dir.clone();
    if let Some(stand_in) = stand_in {
        name.push_str(&format!("-as-{}", stand_in.bin));
    }
    let output = kit::target_dir().join("mutants").join(&name);
    // cargo-mutants makes its output directory, but not the one above it.
    fs::create_dir_all(&output).map_err(|e| format!("cannot create {}: {e}", output.display()))?;
    // Niced and one job: the tests of every mutant start servers, and a
    // machine made busy by the run itself makes them slow, not wrong.
    let mut command = Command::new("nice");
    command
        .args(["-n", "10", "cargo", "mutants", "-d"])
        .arg(&solution)
        .args(["--timeout", "40", "-o"])
        .arg(&output)
        .current_dir(kit);
    match stand_in {
        None => println!(
            "== {}: cargo mutants -d solutions/{}",
            exercise.dir, exercise.dir
        ),
        Some(stand_in) => {
            let var = kit::bin_var(&stand_in.program);
            let built = kit.join("target/debug").join(&stand_in.bin);
            println!(
                "== {}: cargo mutants --in-place on a copy of the kit, {var}={}",
                exercise.dir,
                built.display()
            );
            // The copy builds into its own target/, whatever the caller's is
            // (and in place means one job at a time anyway).
            command
                .arg("--in-place")
                .env(var, &built)
                .env_remove("CARGO_TARGET_DIR");
        }
    }
    let status = command
        .args(extra)
        .status()
        .map_err(|err| format!("cannot run cargo mutants: {err}"))?;
    println!(
        "   missed mutants (if any): {}",
        output.join("mutants.out/missed.txt").display()
    );
    // cargo-mutants exits 0 when every mutant was caught (or unviable),
    // 2 when some were missed, 3 when some timed out (caught, slowly).
    match status.code() {
        Some(0 | 3) => Ok(true),
        Some(2) => Ok(false),
        _ => Err(format!(
            "cargo mutants failed on {}: {status}",
            exercise.dir
        )),
    }
}

/// A fresh copy of the kit's files (not its `target/` or `.git`), for
/// cargo-mutants to change in place; the solution must have the binary.
fn copy_of_the_kit(exercise: &Exercise, stand_in: &StandIn) -> Result<PathBuf, String> {
    let root = kit::root();
    let bin = root
        .join("solutions")
        .join(&exercise.dir)
        .join("src/bin")
        .join(format!("{}.rs", stand_in.bin));
    if !bin.is_file() {
        return Err(format!(
            "--as {}={}: the solution has no {}",
            stand_in.program,
            stand_in.bin,
            bin.display()
        ));
    }
    if !exercise.bins.contains(&stand_in.program) {
        return Err(format!(
            "--as {}={}: the tests start no program {}; they start {}",
            stand_in.program,
            stand_in.bin,
            stand_in.program,
            exercise.bins.join(", ")
        ));
    }
    let copy = kit::target_dir()
        .join("mutants")
        .join(format!("{}-as-{}", exercise.dir, stand_in.bin))
        .join("kit");
    if copy.exists() {
        fs::remove_dir_all(&copy).map_err(|e| format!("cannot clear {}: {e}", copy.display()))?;
    }
    fs::create_dir_all(&copy).map_err(|e| format!("cannot create {}: {e}", copy.display()))?;
    let entries = fs::read_dir(&root).map_err(|e| format!("cannot read the kit: {e}"))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read the kit: {e}"))?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let status = Command::new("cp")
            .arg("-a")
            .arg(entry.path())
            .arg(&copy)
            .status()
            .map_err(|e| format!("cannot run cp: {e}"))?;
        if !status.success() {
            return Err(format!(
                "cannot copy {} into {}",
                entry.path().display(),
                copy.display()
            ));
        }
    }
    Ok(copy)
}
