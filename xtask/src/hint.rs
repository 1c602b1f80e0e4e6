//! `cargo xtask hint EXERCISE [STEP]`: the README's hint for a step, by
//! default the first step whose tests fail, so a stuck student gets the one
//! paragraph that matters now rather than the whole README.
//!
//! Also the pieces the other student tools use too: naming an exercise the
//! way a student would, and which step a test run says is the first to fail.

use crate::cargo::{self, Outcome, TestRun};
use crate::kit::{self, Exercise};

/// The exercise a student named: its folder (`01-latency`), number (`01`,
/// `1`) or crate (`latency`).
pub fn find(name: &str) -> Result<Exercise, String> {
    let exercises = kit::exercises()?;
    let number: Option<u32> = name.parse().ok();
    let names: Vec<String> = exercises.iter().map(|e| e.dir.clone()).collect();
    exercises
        .into_iter()
        .find(|e| {
            e.dir == name
                || e.package == name
                || number.is_some()
                    && e.dir.split('-').next().and_then(|n| n.parse().ok()) == number
        })
        .ok_or_else(|| format!("no exercise `{name}`; there are: {}", names.join(", ")))
}

/// Runs the exercise's tests, all of them, as `cargo test -p CRATE` would,
/// without backtraces: the harness's reports say what went wrong, and a
/// student's `RUST_BACKTRACE=1` would bury them.
pub fn test(exercise: &Exercise) -> Result<TestRun, String> {
    let env = [("RUST_BACKTRACE".to_string(), "0".to_string())];
    cargo::test(&exercise.package, None, None, &[], &env)
}

/// The step a test belongs to: `step3_…` is step 3.
pub fn step_of(test: &str) -> Option<u32> {
    let name = test.rsplit("::").next()?;
    let rest = name.strip_prefix("step")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    rest[digits.len()..]
        .starts_with('_')
        .then(|| digits.parse().ok())?
}

/// The lowest step with a failed test, if any failed.
pub fn first_failing_step(run: &TestRun) -> Option<u32> {
    run.results
        .iter()
        .filter(|(_, outcome)| *outcome == Outcome::Failed)
        .filter_map(|(name, _)| step_of(name))
        .min()
}

/// The text under `### Step N` in the README's closing `## Hints` section.
pub fn hint_text(exercise: &Exercise, step: u32) -> Option<String> {
    let (_, hints) = exercise.readme.split_once("\n## Hints")?;
    let heading = format!("### Step {step}");
    let mut lines = hints.lines().skip_while(|line| line.trim_end() != heading);
    lines.next()?;
    // A hint ends at the next heading: the next step's, or the section after the hints.
    let body: Vec<&str> = lines.take_while(|line| !line.starts_with("##")).collect();
    Some(body.join("\n").trim().to_string())
}

/// `cargo xtask hint EXERCISE [STEP]`.
pub fn run(args: &[String]) -> Result<bool, String> {
    let [name, rest @ ..] = args else {
        return Err("usage: cargo xtask hint EXERCISE [STEP]".into());
    };
    let exercise = find(name)?;
    let step = match rest.first() {
        Some(step) => step
            .parse()
            .map_err(|_| format!("not a step number: {step}"))?,
        None => {
            let run = test(&exercise)?;
            if run.build_failed {
                println!("{}", tail(&run.output, 20));
                return Err(format!(
                    "{} does not build yet: fix that first",
                    exercise.dir
                ));
            }
            match first_failing_step(&run) {
                Some(step) => step,
                None => {
                    println!("{}: all steps pass.", exercise.dir);
                    println!(
                        "Compare with the reference solution: solutions/{}/",
                        exercise.dir
                    );
                    return Ok(true);
                }
            }
        }
    };
    let text = hint_text(&exercise, step).ok_or_else(|| {
        format!(
            "exercises/{}/README.md has no hint for step {step}",
            exercise.dir
        )
    })?;
    println!("{} step {step} hint:\n\n{text}", exercise.dir);
    Ok(true)
}

/// The last `n` lines of `text`: where a build error says what is wrong.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
