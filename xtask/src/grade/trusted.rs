//! The kit's test binaries, built from the kit alone: no file of the
//! submission is part of this build, so no submission can change its tests.
//!
//! They go to `<work>/trusted`, which only root (grade) can read and write:
//! the sandbox user can neither replace a test binary nor read the stub or
//! reference programs cargo built beside it.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::student::cargo_build;

/// `cargo test --no-run` of the exercise's test targets in the kit: (target,
/// test binary) of each, or why not.
pub fn build(
    kit: &Path,
    work: &Path,
    package: &str,
    targets: &[(String, String)],
    deadline: Instant,
    offline: bool,
) -> Result<Vec<(String, PathBuf)>, String> {
    let dir = work.join("trusted");
    fs::create_dir_all(&dir)
        .and_then(|()| fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)))
        .map_err(|e| format!("not graded: {}: {e}", dir.display()))?;
    let mut command = crate::cargo::command();
    command
        .current_dir(kit)
        .args([
            "test",
            "--no-run",
            "--message-format=json",
            "--color",
            "never",
        ])
        .args(["-p", package])
        .arg("--target-dir")
        .arg(&dir);
    for (target, _) in targets {
        command.args(["--test", target]);
    }
    if offline {
        command.arg("--offline");
    }
    cargo_build(command, deadline, package, true)
        .map_err(|e| format!("not graded: the kit's own tests did not build, which is no fault of the submission: {e}"))
}
