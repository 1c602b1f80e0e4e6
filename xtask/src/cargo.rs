//! Running cargo, and reading libtest's plain output (its JSON output is
//! nightly-only).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::kit::root;

/// What one test did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    Ignored,
}

/// The results of a `cargo test` invocation.
#[derive(Debug, Default)]
pub struct TestRun {
    /// Each test that ran, with its outcome, in the order reported.
    pub results: Vec<(String, Outcome)>,
    /// The seconds libtest reported, summed over the test binaries.
    pub seconds: f64,
    /// Whether the build (or cargo itself) failed before tests could run.
    pub build_failed: bool,
    /// Everything cargo and the tests printed.
    pub output: String,
    /// Wall-clock time of the whole invocation.
    pub elapsed: Duration,
}

impl TestRun {
    pub fn passed(&self) -> Vec<&str> {
        self.named(Outcome::Passed)
    }

    fn named(&self, outcome: Outcome) -> Vec<&str> {
        self.results
            .iter()
            .filter(|(_, o)| *o == outcome)
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// Adds another run's tests, seconds and output to this one's.
    pub fn merge(&mut self, other: TestRun) {
        self.results.extend(other.results);
        self.seconds += other.seconds;
        self.build_failed |= other.build_failed;
        self.output.push_str(&other.output);
        self.elapsed += other.elapsed;
    }

    pub fn outcome(&self, test: &str) -> Option<Outcome> {
        self.results
            .iter()
            .find(|(name, _)| name == test)
            .map(|(_, o)| *o)
    }
}

/// The cargo that runs us (cargo sets `CARGO` for `cargo run`), in the
/// kit's root, without the overrides the caller's shell may have set.
pub fn command() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    scrub(&mut command);
    command
}

/// Clears every `IPC_KIT_*` and `RUST_TEST_*` variable inherited from the
/// caller: the tests must see the programs they were built for (or those that
/// verify and grade name, set after this), and libtest's own defaults.
pub fn scrub(command: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let text = key.to_string_lossy();
        if text.starts_with("IPC_KIT_") || text.starts_with("RUST_TEST_") {
            command.env_remove(&key);
        }
    }
}

/// Runs `cargo <args>` with its output captured; true when it succeeded.
pub fn run(args: &[&str], target_dir: Option<&Path>) -> Result<(bool, String), String> {
    let mut command = command();
    // `--target-dir` goes before a `--`, after which arguments are the tool's.
    let split = args.iter().position(|a| *a == "--").unwrap_or(args.len());
    command.args(&args[..split]);
    if let Some(dir) = target_dir {
        command.arg("--target-dir").arg(dir);
    }
    command.args(&args[split..]);
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success(), text))
}

/// `cargo test -p PACKAGE [--test TARGET] -- FILTER…`, every test run even
/// when some fail, with `env` set for the tests.
pub fn test(
    package: &str,
    target_dir: Option<&Path>,
    target: Option<&str>,
    filter: &[&str],
    env: &[(String, String)],
) -> Result<TestRun, String> {
    let mut command = command();
    command.args(["test", "--no-fail-fast", "-p", package]);
    if let Some(dir) = target_dir {
        command.arg("--target-dir").arg(dir);
    }
    if let Some(target) = target {
        command.args(["--test", target]);
    }
    command.args(["--", "--color", "never"]).args(filter);
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let started = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let mut run = parse(&text);
    run.elapsed = started.elapsed();
    run.build_failed = !output.status.success() && run.results.is_empty();
    run.output = text;
    Ok(run)
}

/// Reads libtest's pretty output: `test NAME ... ok|FAILED|ignored` lines and
/// `test result: … finished in 1.23s` lines.
pub fn parse(output: &str) -> TestRun {
    let mut run = TestRun::default();
    for line in output.lines() {
        if let Some(rest) = line.strip_prefix("test result: ") {
            if let Some(seconds) = rest
                .rsplit_once("finished in ")
                .and_then(|(_, s)| s.trim().trim_end_matches('s').parse::<f64>().ok())
            {
                run.seconds += seconds;
            }
        } else if let Some(rest) = line.strip_prefix("test ") {
            let Some((name, verdict)) = rest.rsplit_once(" ... ") else {
                continue;
            };
            let outcome = match verdict.trim() {
                "ok" => Outcome::Passed,
                "FAILED" => Outcome::Failed,
                v if v.starts_with("ignored") => Outcome::Ignored,
                _ => continue,
            };
            run.results.push((name.trim().to_string(), outcome));
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libtest_pretty_output() {
        let output = "\
running 3 tests
test step1_a ... ok
test step2_b ... FAILED
test step3_c ... ignored, slow
thread 'x' panicked: test step9_fake ... ok is not a result line
failures:
test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 1.50s
";
        let run = parse(output);
        assert_eq!(run.passed(), vec!["step1_a"]);
        assert_eq!(run.outcome("step2_b"), Some(Outcome::Failed));
        assert_eq!(run.outcome("step3_c"), Some(Outcome::Ignored));
        assert_eq!(run.seconds, 1.5);
    }
}
