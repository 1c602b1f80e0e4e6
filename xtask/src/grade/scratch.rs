//! The scratch workspace an exercise is graded in.
//!
//! A submission must not be able to change its own tests, so it is never built
//! where it stands. For each exercise, grading assembles a workspace of its own
//! from the kit's files, and takes only the student's code from the submission:
//!
//! | in the scratch workspace            | comes from                                   |
//! | ----------------------------------- | -------------------------------------------- |
//! | `Cargo.toml`, `Cargo.lock`          | the kit (one member: this exercise)          |
//! | `tests/` (harness, test files)      | the kit (`tests/faults/` left out)           |
//! | `exercises/NN-x/` README and others | the kit                                      |
//! | `exercises/NN-x/Cargo.toml`         | the kit's, with the submission's dependency tables |
//! | `exercises/NN-x/src/`               | the submission                               |
//!
//! One workspace per exercise, so that a manifest one student broke (a
//! dependency that does not exist) fails that exercise's build and no other.
//! Files are written only when their content changed, so cargo's fingerprints
//! (file times) see no change between two gradings of the same code.

use std::fs;
use std::path::{Path, PathBuf};

use crate::kit;

/// A scratch workspace, ready to build.
pub struct Scratch {
    /// The workspace's root.
    pub root: PathBuf,
    /// The exercise's crate in it.
    pub crate_dir: PathBuf,
    /// Whether the submission has this exercise's `src/` (else nothing to build).
    pub submitted: bool,
}

/// Assembles `into` from the kit at `kit` and the submission at `submission`
/// for the exercise in folder `dir`.
pub fn assemble(kit: &Path, submission: &Path, dir: &str, into: &Path) -> Result<Scratch, String> {
    let kit_crate = kit.join("exercises").join(dir);
    let their_crate = submission.join("exercises").join(dir);
    let crate_dir = into.join("exercises").join(dir);

    let root_manifest = kit::read(&kit.join("Cargo.toml"))?;
    write_if_changed(
        &into.join("Cargo.toml"),
        workspace_manifest(&root_manifest, dir).as_bytes(),
    )?;
    if kit.join("Cargo.lock").is_file() {
        // Pins the kit's versions; cargo drops the entries this workspace does not use.
        let lock = fs::read(kit.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
        write_if_changed(&into.join("Cargo.lock"), &lock)?;
    }
    sync(&kit.join("tests"), &into.join("tests"), &|path| {
        path == Path::new("faults")
    })?;

    // The kit's crate, but the manifest and the code, which come next.
    sync(&kit_crate, &crate_dir, &|path| {
        path == Path::new("src") || path == Path::new("Cargo.toml")
    })?;
    let kit_manifest = kit::read(&kit_crate.join("Cargo.toml"))?;
    let their_manifest = fs::read_to_string(their_crate.join("Cargo.toml")).ok();
    let manifest = exercise_manifest(&kit_manifest, their_manifest.as_deref());
    write_if_changed(&crate_dir.join("Cargo.toml"), manifest.as_bytes())?;

    let submitted = their_crate.join("src").is_dir();
    if submitted {
        sync(&their_crate.join("src"), &crate_dir.join("src"), &|_| false)?;
    } else {
        let _ = fs::remove_dir_all(crate_dir.join("src"));
    }
    Ok(Scratch {
        root: into.to_path_buf(),
        crate_dir,
        submitted,
    })
}

/// The kit's root manifest with one member, the exercise: its
/// `[workspace.package]`, `[workspace.dependencies]` and profiles stay as they
/// are. (The harness joins as a path dependency inside the workspace.)
pub fn workspace_manifest(kit_manifest: &str, dir: &str) -> String {
    let mut out = String::new();
    let mut in_workspace = false;
    let mut lines = kit_manifest.lines();
    while let Some(line) = lines.next() {
        if line.trim().starts_with('[') {
            in_workspace = line.trim() == "[workspace]";
        }
        let key = line.split('=').next().unwrap_or("").trim();
        if in_workspace && ["members", "default-members", "exclude"].contains(&key) {
            // Skip the array, which may span lines.
            let mut rest = line.to_string();
            while !rest.contains(']') {
                match lines.next() {
                    Some(next) => rest = next.to_string(),
                    None => break,
                }
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line.trim() == "[workspace]" {
            out.push_str(&format!("members = [\"exercises/{dir}\"]\n"));
        }
    }
    out
}

/// The kit's manifest of the exercise, with its dependency tables replaced by
/// the submission's (when it has a manifest): a student chooses the crates
/// their code uses, never the tests, the test targets or the dev-dependencies.
pub fn exercise_manifest(kit_manifest: &str, theirs: Option<&str>) -> String {
    let Some(theirs) = theirs else {
        return kit_manifest.to_string();
    };
    let mut out = String::new();
    for (header, body) in tables(kit_manifest) {
        if !is_dependency_table(&header) {
            out.push_str(&body);
        }
    }
    out.push_str("\n# The submission's own dependencies:\n");
    for (header, body) in tables(theirs) {
        if is_dependency_table(&header) {
            out.push_str(&body);
        }
    }
    out
}

/// The manifest cut into tables: (header without brackets, its text), the
/// text before the first header under an empty header.
fn tables(manifest: &str) -> Vec<(String, String)> {
    let mut tables = vec![(String::new(), String::new())];
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let header = trimmed
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            tables.push((header.to_string(), String::new()));
        }
        let body = &mut tables.last_mut().expect("never empty").1;
        body.push_str(line);
        body.push('\n');
    }
    tables
}

/// `[dependencies]`, `[dependencies.x]`, `[target.'cfg(…)'.dependencies]`, …
fn is_dependency_table(header: &str) -> bool {
    let under_target = header.starts_with("target.")
        && (header.ends_with(".dependencies") || header.contains(".dependencies."));
    header == "dependencies" || header.starts_with("dependencies.") || under_target
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
        if entry.path().is_dir() {
            sync_under(from, to, &path, skip)?;
        } else if entry.path().is_file() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_has_one_member() {
        let kit =
            "[workspace]\nresolver = \"2\"\nmembers = [\n    \"exercises/*\",\n    \"xtask\",\n]\n\
                   default-members = [\"exercises/*\"]\n\n[workspace.dependencies]\nclap = \"4\"\n";
        assert_eq!(
            workspace_manifest(kit, "01-latency"),
            "[workspace]\nmembers = [\"exercises/01-latency\"]\nresolver = \"2\"\n\n\
             [workspace.dependencies]\nclap = \"4\"\n"
        );
    }

    #[test]
    fn the_submission_brings_only_its_dependencies() {
        let kit = "[package]\nname = \"latency\"\n\n[dependencies]\nclap.workspace = true\n\n\
                   [dev-dependencies]\nharness.workspace = true\n\n[[test]]\nname = \"latency\"\n";
        let theirs = "[package]\nname = \"mine\"\n\n[dependencies]\nclap.workspace = true\nrand = \"0.8\"\n\n\
                      [target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n\n[[test]]\nname = \"mine\"\npath = \"x.rs\"\n";
        let merged = exercise_manifest(kit, Some(theirs));
        assert!(
            merged.contains("name = \"latency\"") && !merged.contains("mine"),
            "{merged}"
        );
        assert!(
            merged.contains("rand = \"0.8\"") && merged.contains("libc = \"0.2\""),
            "{merged}"
        );
        assert!(
            merged.contains("[dev-dependencies]\nharness.workspace = true"),
            "{merged}"
        );
        assert_eq!(merged.matches("[[test]]").count(), 1, "{merged}");
        assert_eq!(exercise_manifest(kit, None), kit);
    }
}
