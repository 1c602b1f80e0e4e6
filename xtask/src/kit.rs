//! The kit as folders: exercises, their READMEs, solutions and faults.

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace root (xtask lives one folder below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// Where cargo builds: `CARGO_TARGET_DIR`, or `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// One exercise: `exercises/NN-name`, and what belongs to it elsewhere.
#[derive(Debug)]
pub struct Exercise {
    /// The folder name, `01-latency`.
    pub dir: String,
    /// The stub crate's package name, `latency`.
    pub package: String,
    /// The integration test targets of the exercise (`[[test]]` names).
    pub tests: Vec<String>,
    /// The reference solution's package name, when there is one.
    pub solution: Option<String>,
    /// The faults' package name and faults, when there are any.
    pub faults: Option<(String, Vec<Fault>)>,
    /// The README's text.
    pub readme: String,
}

/// A faulty solution: a binary that replaces one program, and the test that
/// must reject it, read from the header of its source file:
///
/// ```text
/// //! replaces: latency-server
/// //! rejected-by: step1_server_echoes_every_size
/// //! within-s: 5
/// ```
#[derive(Debug, Clone)]
pub struct Fault {
    pub bin: String,
    pub replaces: String,
    pub rejected_by: String,
    /// The first line of the doc comment: the mistake.
    pub mistake: String,
    /// How fast the test must reject it, if that is part of the point.
    pub within_s: Option<f64>,
}

/// Every exercise, in folder order.
pub fn exercises() -> Result<Vec<Exercise>, String> {
    let root = root();
    exercise_dirs(&root)?
        .into_iter()
        .map(|dir| exercise(&root, dir))
        .collect()
}

/// The folder names under `exercises/` that hold a crate, in order.
pub fn exercise_dirs(root: &Path) -> Result<Vec<String>, String> {
    let mut dirs: Vec<String> = fs::read_dir(root.join("exercises"))
        .map_err(|e| format!("{}: {e}", root.join("exercises").display()))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// The exercise in `root/exercises/<dir>`.
pub fn exercise(root: &Path, dir: String) -> Result<Exercise, String> {
    let stub = root.join("exercises").join(&dir);
    let manifest = read(&stub.join("Cargo.toml"))?;
    let package =
        package_name(&manifest).ok_or(format!("exercises/{dir}/Cargo.toml: no package name"))?;
    let tests: Vec<String> = test_targets(&manifest)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    if tests.is_empty() {
        return Err(format!(
            "exercises/{dir}/Cargo.toml names no [[test]] target"
        ));
    }
    let solution_manifest = root.join("solutions").join(&dir).join("Cargo.toml");
    let solution = match solution_manifest.is_file() {
        true => package_name(&read(&solution_manifest)?),
        false => None,
    };
    let faults_dir = root.join("tests/faults").join(&dir);
    let faults = match faults_dir.join("Cargo.toml").is_file() {
        true => {
            let name = package_name(&read(&faults_dir.join("Cargo.toml"))?)
                .ok_or(format!("tests/faults/{dir}/Cargo.toml: no package name"))?;
            Some((name, faults(&faults_dir.join("src/bin"))?))
        }
        false => None,
    };
    let readme = read(&stub.join("README.md"))?;
    Ok(Exercise {
        dir,
        package,
        tests,
        solution,
        faults,
        readme,
    })
}

pub fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// `name = "…"` of the `[package]` table.
pub fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = key_value(line, "name") {
                return Some(value);
            }
        }
    }
    None
}

/// The `[[test]]` targets of a manifest, with their source paths.
pub fn test_targets(manifest: &str) -> Vec<(String, String)> {
    let mut targets: Vec<(String, Option<String>)> = Vec::new();
    let mut in_test = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_test = line == "[[test]]";
            if in_test {
                targets.push((String::new(), None));
            }
        } else if let (true, Some((key, value))) = (in_test, line.split_once('=')) {
            let value = value.trim().trim_matches('"').to_string();
            let target = targets.last_mut().expect("inside a [[test]]");
            match key.trim() {
                "name" => target.0 = value,
                "path" => target.1 = Some(value),
                _ => {}
            }
        }
    }
    targets
        .into_iter()
        .map(|(name, path)| {
            let path = path.unwrap_or_else(|| format!("tests/{name}.rs"));
            (name, path)
        })
        .collect()
}

fn key_value(line: &str, key: &str) -> Option<String> {
    let (k, v) = line.split_once('=')?;
    (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
}

fn faults(bin_dir: &Path) -> Result<Vec<Fault>, String> {
    let mut files: Vec<PathBuf> = fs::read_dir(bin_dir)
        .map_err(|e| format!("{}: {e}", bin_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    files.iter().map(|path| fault(path)).collect()
}

fn fault(path: &Path) -> Result<Fault, String> {
    let text = read(path)?;
    let header: Vec<&str> = text
        .lines()
        .take_while(|line| line.starts_with("//!"))
        .map(|line| line.trim_start_matches("//!").trim())
        .collect();
    let field = |key: &str| {
        header
            .iter()
            .find_map(|line| {
                line.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix(':'))
            })
            .map(|value| value.trim().to_string())
    };
    let missing = |key: &str| format!("{}: the header names no `{key}:`", path.display());
    Ok(Fault {
        bin: path.file_stem().unwrap().to_string_lossy().into_owned(),
        replaces: field("replaces").ok_or_else(|| missing("replaces"))?,
        rejected_by: field("rejected-by").ok_or_else(|| missing("rejected-by"))?,
        mistake: header.first().map(|l| l.to_string()).unwrap_or_default(),
        within_s: field("within-s").and_then(|s| s.parse().ok()),
    })
}

impl Exercise {
    /// The README's `Concepts:` line.
    pub fn concepts(&self) -> String {
        self.readme
            .lines()
            .find_map(|line| line.strip_prefix("Concepts:"))
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    }

    /// The step numbers of the README (`## Step N: …`).
    pub fn steps(&self) -> Vec<u32> {
        self.readme
            .lines()
            .filter_map(|line| line.strip_prefix("## Step "))
            .filter_map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse()
                    .ok()
            })
            .collect()
    }

    /// The step numbers that have a hint (`### Step N` under `## Hints`, the
    /// README's closing section of steps; only "After it passes" may follow it).
    pub fn hints(&self) -> Vec<u32> {
        let Some((_, hints)) = self.readme.split_once("\n## Hints") else {
            return Vec::new();
        };
        let (hints, after) = hints.split_once("\n## ").unwrap_or((hints, ""));
        if !after.is_empty() && !after.starts_with("After it passes") {
            return Vec::new(); // the hints close the steps
        }
        hints
            .lines()
            .filter_map(|line| line.strip_prefix("### Step "))
            .filter_map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse()
                    .ok()
            })
            .collect()
    }
}
