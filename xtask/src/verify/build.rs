//! Building the solution, its faults and the hostile fixtures in one cargo
//! run, and finding the test binaries it made, so that the tests then run
//! straight from them: side by side, without cargo's build lock, and without
//! asking cargo to build what it just built.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::cargo;

/// What the build made.
#[derive(Default)]
pub struct Built {
    pub ok: bool,
    /// The compiler's messages and cargo's own lines, as a person reads them.
    pub output: String,
    /// The solution's integration test binaries, by `[[test]]` target.
    pub tests: HashMap<String, PathBuf>,
    /// Every test binary of the solution: its unit tests too.
    pub all_tests: Vec<PathBuf>,
}

/// The cargo profile verify builds with (the workspace's `Cargo.toml` says
/// why), and so the directory of `target/solutions` its binaries are in.
pub const PROFILE: &str = "verify";

/// `cargo build --all-targets --profile verify -p …` into `target_dir`; the
/// test binaries are those of the package whose manifest is `manifest`.
pub fn build(packages: &[&str], target_dir: &Path, manifest: &Path) -> Result<Built, String> {
    let mut args = vec![
        "build",
        "--all-targets",
        "--profile",
        PROFILE,
        "--message-format=json-render-diagnostics",
    ];
    for package in packages {
        args.extend(["-p", package]);
    }
    let mut command = cargo::command();
    command
        .args(&args)
        .arg("--target-dir")
        .arg(target_dir)
        .stdin(Stdio::null());
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut built = Built {
        ok: output.status.success(),
        // With json-render-diagnostics, the diagnostics go to stderr as text.
        output: String::from_utf8_lossy(&output.stderr).into_owned(),
        ..Built::default()
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let ours = message["manifest_path"]
            .as_str()
            .is_some_and(|path| Path::new(path) == manifest);
        let (Some(exe), true, true) = (
            message["executable"].as_str(),
            ours,
            message["profile"]["test"].as_bool() == Some(true),
        ) else {
            continue;
        };
        let is_test = message["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| k == "test"));
        if let (true, Some(name)) = (is_test, message["target"]["name"].as_str()) {
            built.tests.insert(name.to_string(), PathBuf::from(exe));
        }
        built.all_tests.push(PathBuf::from(exe));
    }
    Ok(built)
}

/// The tests of a test binary (`--list`), without running any.
pub fn list(binary: &Path) -> Result<Vec<String>, String> {
    let output = Command::new(binary)
        .args(["--list", "--format", "terse"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}
