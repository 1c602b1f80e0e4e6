//! The student's programs, built apart from the kit's tests.
//!
//! Only `exercises/NN-name/src` (plain files and folders: a symbolic link is
//! refused) and the submission's registry `[dependencies]` are taken, into a
//! workspace of their own under the work dir:
//!
//! | in `<work>/student/NN-name/`  | comes from                                         |
//! | ----------------------------- | -------------------------------------------------- |
//! | `Cargo.toml`, `Cargo.lock`    | the kit's (one member; no path dependencies)       |
//! | `exercises/NN-name/Cargo.toml`| the kit's `[package]`, the submission's dependencies |
//! | `exercises/NN-name/src/`      | the submission                                     |
//!
//! Nothing of the kit's tests, harness or solutions is there, and no build
//! script: only `cargo build --bins` runs. A submission in another language
//! gives `exercises/NN-name/bin/<program>` executables instead; they are
//! copied, so that the sandbox user can run them and the submission cannot
//! change them while the tests run. Files are written only when their
//! content changed, so cargo's fingerprints see no change between two
//! gradings of the same code.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::libtest::read_build;
use super::manifest;
use super::run::{self, Ended};
use crate::kit;

/// What the student's build needs to know.
pub struct Build<'a> {
    pub kit: &'a Path,
    pub submission: &'a Path,
    pub dir: &'a str,
    pub package: &'a str,
    /// The kit's programs of the exercise.
    pub programs: &'a [String],
    /// `<work>/student`.
    pub work: PathBuf,
    pub deadline: Instant,
    pub offline: bool,
    /// Under root: the sandbox user the build runs as.
    pub as_user: Option<&'a super::toolchain::AsUser>,
}

/// The student's programs, (name, path), or why there are none (the reason
/// every test of the exercise scores 0).
pub fn programs(build: &Build) -> Result<Vec<(String, PathBuf)>, String> {
    let theirs = build.submission.join("exercises").join(build.dir);
    for path in [&theirs, &theirs.join("bin"), &theirs.join("src")] {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "refused: exercises/{}/{} is a symbolic link: only plain files and folders are taken",
                build.dir,
                path.strip_prefix(&theirs).unwrap_or(path).display()
            ));
        }
    }
    if theirs.join("bin").is_dir() {
        executables(build, &theirs.join("bin"))
    } else if theirs.join("src").is_dir() {
        compile(build, &theirs)
    } else {
        Err(format!(
            "not submitted: the submission has no exercises/{0}/src (nor exercises/{0}/bin)",
            build.dir
        ))
    }
}

/// `bin/<program>` for each program the submission gives, copied.
fn executables(build: &Build, bin: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let into = build.work.join(build.dir).join("bin");
    let _ = fs::remove_dir_all(&into);
    fs::create_dir_all(&into).map_err(|e| format!("{}: {e}", into.display()))?;
    let mut found = Vec::new();
    for program in build.programs {
        let theirs = bin.join(program);
        match fs::symlink_metadata(&theirs) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!(
                    "refused: exercises/{}/bin/{program} is a symbolic link",
                    build.dir
                ))
            }
            Ok(m) if m.is_file() => {
                let ours = into.join(program);
                fs::copy(&theirs, &ours).map_err(|e| format!("{}: {e}", theirs.display()))?;
                fs::set_permissions(&ours, fs::Permissions::from_mode(0o755))
                    .map_err(|e| format!("{}: {e}", ours.display()))?;
                found.push((program.clone(), ours));
            }
            _ => {}
        }
    }
    if found.is_empty() {
        return Err(format!(
            "not submitted: exercises/{}/bin has none of the programs {}",
            build.dir,
            build.programs.join(", ")
        ));
    }
    Ok(found)
}

/// `cargo build --bins` of the submission's `src/` in a workspace of its own.
fn compile(build: &Build, theirs: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let root = build.work.join(build.dir);
    let crate_dir = root.join("exercises").join(build.dir);
    let kit_manifest = kit::read(&build.kit.join("Cargo.toml"))?;
    write_if_changed(
        &root.join("Cargo.toml"),
        manifest::workspace(&kit_manifest, build.dir).as_bytes(),
    )?;
    if let Ok(lock) = fs::read(build.kit.join("Cargo.lock")) {
        // Pins the kit's versions; cargo drops the entries this workspace does not use.
        write_if_changed(&root.join("Cargo.lock"), &lock)?;
    }
    let kit_crate = kit::read(
        &build
            .kit
            .join("exercises")
            .join(build.dir)
            .join("Cargo.toml"),
    )?;
    let their_manifest = fs::read_to_string(theirs.join("Cargo.toml")).ok();
    let merged = manifest::exercise(&kit_crate, their_manifest.as_deref())
        .and_then(|merged| {
            let lock = fs::read_to_string(build.kit.join("Cargo.lock")).unwrap_or_default();
            manifest::only_locked_crates(&merged, &lock).map(|()| merged)
        })
        .map_err(|e| e.replace("<exercise>", build.dir))?;
    write_if_changed(&crate_dir.join("Cargo.toml"), merged.as_bytes())?;
    sync(&theirs.join("src"), &crate_dir.join("src"), &|_| false)?;

    // As root, the build is the sandbox user's: see toolchain.rs for why.
    let mut command = match build.as_user {
        Some(user) => {
            user.hand_over(&build.work)?;
            user.cargo()
        }
        None => crate::cargo::command(),
    };
    command
        .current_dir(&root)
        .args([
            "build",
            "--bins",
            "--message-format=json",
            "--color",
            "never",
        ])
        .args(["-p", build.package])
        .arg("--target-dir")
        .arg(build.work.join("target"));
    if build.offline {
        command.arg("--offline");
    }
    cargo_build(command, build.deadline, build.package, false)
}

/// Runs a cargo build of `package` under `deadline`: the executables it made
/// (test binaries when `tests`), or why not. The kit's trusted build too.
pub fn cargo_build(
    command: Command,
    deadline: Instant,
    package: &str,
    tests: bool,
) -> Result<Vec<(String, PathBuf)>, String> {
    let what = if tests {
        "the kit's tests"
    } else {
        "the submission"
    };
    let done = run::run(command, deadline).map_err(|e| format!("not graded: {e}"))?;
    let (built, errors) = read_build(&done.stdout, &done.stderr, tests);
    match done.ended {
        Ended::Interrupted => Err("not graded: grading was interrupted during the build".into()),
        Ended::Deadline => Err(format!(
            "does not compile: the build of {what} took too long (--build-timeout-s)"
        )),
        Ended::Exited(_) if !done.success() || built.is_empty() => Err(format!(
            "does not compile: the build of {what} (`cargo build -p {}`) failed with the errors below.\n\n{errors}",
            package
        )),
        Ended::Exited(_) => Ok(built),
    }
}

/// Makes `to` a copy of `from` (files written only when they differ; files
/// and folders that `from` lacks removed), leaving out the paths, relative to
/// `from`, that `skip` names, and every `target` folder.
fn sync(from: &Path, to: &Path, skip: &dyn Fn(&Path) -> bool) -> Result<(), String> {
    sync_under(from, to, Path::new(""), skip)
}

fn sync_under(
    from: &Path,
    to: &Path,
    rel: &Path,
    skip: &dyn Fn(&Path) -> bool,
) -> Result<(), String> {
    let (src, dst) = (from.join(rel), to.join(rel));
    fs::create_dir_all(&dst).map_err(|e| format!("{}: {e}", dst.display()))?;
    let mut wanted = Vec::new();
    for entry in fs::read_dir(&src).map_err(|e| format!("{}: {e}", src.display()))? {
        let entry = entry.map_err(|e| format!("{}: {e}", src.display()))?;
        let name = entry.file_name();
        let path = rel.join(&name);
        if skip(&path) || name == "target" {
            continue;
        }
        wanted.push(name);
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        if kind.is_symlink() {
            return Err(format!(
                "refused: {} is a symbolic link: only plain files and folders are taken",
                path.display()
            ));
        }
        if kind.is_dir() {
            sync_under(from, to, &path, skip)?;
        } else if kind.is_file() {
            let bytes =
                fs::read(entry.path()).map_err(|e| format!("{}: {e}", entry.path().display()))?;
            write_if_changed(&to.join(&path), &bytes)?;
        }
    }
    // Whatever `from` does not have goes, unless it is skipped (kept apart).
    for entry in fs::read_dir(&dst)
        .map_err(|e| format!("{}: {e}", dst.display()))?
        .flatten()
    {
        let name = entry.file_name();
        if !wanted.contains(&name) && !skip(&rel.join(&name)) {
            let path = entry.path();
            let _ = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
        }
    }
    Ok(())
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
