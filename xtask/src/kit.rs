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

/// The variable through which the harness runs another program in place of
/// `program`: `IPC_KIT_BIN_CHAT_SERVER` for `chat-server`.
pub fn bin_var(program: &str) -> String {
    format!("IPC_KIT_BIN_{}", program.to_uppercase().replace('-', "_"))
}

/// One exercise: `exercises/NN-name`, and what belongs to it elsewhere.
#[derive(Debug)]
pub struct Exercise {
    /// The folder name, `01-latency`.
    pub dir: String,
    /// The stub crate's package name, `latency`.
    pub package: String,
    /// The stub's programs (`[[bin]]` names): what the tests run.
    pub bins: Vec<String>,
    /// The integration test targets of the exercise (`[[test]]` names).
    pub tests: Vec<String>,
    /// The reference solution's package name, when there is one.
    pub solution: Option<String>,
    /// The faults' package name, when there is a faults crate (read its
    /// faults with [`faults`]).
    pub faults: Option<String>,
    /// The README's text.
    pub readme: String,
}

/// A faulty solution: a program that replaces one of the exercise's, and the
/// tests that must reject it, or accept it, read from the header of its source:
///
/// ```text
/// //! replaces: latency-server
/// //! rejected-by: step1_server_echoes_every_size
/// //! accepted-by: step2_ step3_
/// //! within-s: 5
/// ```
///
/// A Rust fault is a bin of the faults crate (`src/bin/<name>.rs`, `//!`
/// header); a foreign one is an executable program of another language
/// (`python/<name>.py`, `#` header), run as it is.
#[derive(Debug, Clone)]
pub struct Fault {
    /// The bin's name, or the foreign program's file name.
    pub name: String,
    /// The program's source: the bin's `.rs`, or the foreign program itself.
    pub source: PathBuf,
    /// Whether it is a foreign program (run as `source`), not a bin to build.
    pub foreign: bool,
    pub replaces: String,
    /// The test that must fail with this program in place.
    pub rejected_by: Option<String>,
    /// Test-name prefixes: every test they name must pass with it in place.
    pub accepted_by: Vec<String>,
    /// The first paragraph of the doc comment: the mistake.
    pub mistake: String,
    /// How fast the test must reject it, if that is part of the point.
    pub within_s: Option<f64>,
}

/// What the faults crate's `[package.metadata.hostile]` says of one program:
/// the hostile fixtures (bins of `tests/faults/hostile`) run in its place, and
/// the test that must reject each of them within [`HOSTILE_WITHIN_S`].
///
/// ```toml
/// [package.metadata.hostile]
/// chat-server = { fixtures = ["exits-at-once", "never-listens"], rejected-by = "step1_…" }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Hostile {
    pub program: String,
    pub fixtures: Vec<String>,
    pub rejected_by: String,
}

/// How fast a test must reject a hostile fixture.
pub const HOSTILE_WITHIN_S: f64 = 5.0;

/// The folder of the hostile fixtures' crate.
pub const HOSTILE_DIR: &str = "tests/faults/hostile";

/// An exercise's faults crate, read.
#[derive(Debug)]
pub struct Faults {
    /// Its bins, then its foreign programs, each in name order.
    pub faults: Vec<Fault>,
    /// Its hostile declarations, in the order written.
    pub hostile: Vec<Hostile>,
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
    let bins = targets(&manifest, "[[bin]]")
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
    let faults_manifest = root.join("tests/faults").join(&dir).join("Cargo.toml");
    let faults = match faults_manifest.is_file() {
        true => Some(
            package_name(&read(&faults_manifest)?)
                .ok_or(format!("tests/faults/{dir}/Cargo.toml: no package name"))?,
        ),
        false => None,
    };
    let readme = read(&stub.join("README.md"))?;
    Ok(Exercise {
        dir,
        package,
        bins,
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
    targets(manifest, "[[test]]")
        .into_iter()
        .map(|(name, path)| {
            let path = path.unwrap_or_else(|| format!("tests/{name}.rs"));
            (name, path)
        })
        .collect()
}

/// The targets of one kind (`[[bin]]`, `[[test]]`) of a manifest, with their
/// source paths when it gives them.
pub fn targets(manifest: &str, kind: &str) -> Vec<(String, Option<String>)> {
    let mut targets: Vec<(String, Option<String>)> = Vec::new();
    let mut in_test = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_test = line == kind;
            if in_test {
                targets.push((String::new(), None));
            }
        } else if let (true, Some((key, value))) = (in_test, line.split_once('=')) {
            let value = value.trim().trim_matches('"').to_string();
            let target = targets.last_mut().expect("inside a target");
            match key.trim() {
                "name" => target.0 = value,
                "path" => target.1 = Some(value),
                _ => {}
            }
        }
    }
    targets
}

fn key_value(line: &str, key: &str) -> Option<String> {
    let (k, v) = line.split_once('=')?;
    (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
}

/// The faults crate of the exercise in folder `dir`, read: its bins, its
/// foreign programs and its hostile declarations. `None` without one.
pub fn faults(root: &Path, dir: &str) -> Result<Option<Faults>, String> {
    let faults_dir = root.join("tests/faults").join(dir);
    let manifest_path = faults_dir.join("Cargo.toml");
    if !manifest_path.is_file() {
        return Ok(None);
    }
    let manifest = read(&manifest_path)?;
    let mut faults = Vec::new();
    for path in files(&faults_dir.join("src/bin"), "rs")? {
        faults.push(fault(&path, "//!", false)?);
    }
    for path in files(&faults_dir.join("python"), "py")? {
        foreign_program(&path)?;
        faults.push(fault(&path, "#", true)?);
    }
    let hostile = hostile(&manifest)
        .map_err(|e| format!("tests/faults/{dir}/Cargo.toml: [package.metadata.hostile]: {e}"))?;
    Ok(Some(Faults { faults, hostile }))
}

/// The files of `dir` ending in `.ext`, in name order (none without `dir`).
fn files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    Ok(files)
}

/// A foreign program runs as it is: it must be executable and start with a
/// `#!` line naming its interpreter.
fn foreign_program(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o111 == 0 {
        return Err(format!(
            "{}: not executable, so it cannot stand in for a program (chmod +x it)",
            path.display()
        ));
    }
    if !read(path)?.starts_with("#!") {
        return Err(format!(
            "{}: no `#!` line, so it cannot run as a program \
             (make its first line `#!/usr/bin/env python3`)",
            path.display()
        ));
    }
    Ok(())
}

/// A fault's header: the leading lines commented with `comment` (after a
/// `#!` line, for a foreign program).
fn fault(path: &Path, comment: &str, foreign: bool) -> Result<Fault, String> {
    let text = read(path)?;
    let header: Vec<&str> = text
        .lines()
        .skip_while(|line| line.starts_with("#!"))
        .take_while(|line| line.starts_with(comment))
        .map(|line| line[comment.len()..].trim())
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
    let missing = |what: &str| format!("{}: the header names no {what}", path.display());
    let rejected_by = field("rejected-by");
    let accepted_by: Vec<String> = field("accepted-by")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if rejected_by.is_none() && accepted_by.is_empty() {
        return Err(missing("`rejected-by:` and no `accepted-by:`"));
    }
    let mistake: Vec<&str> = header
        .iter()
        .copied()
        .take_while(|line| !line.is_empty())
        .collect();
    let name = match foreign {
        true => path.file_name(),
        false => path.file_stem(),
    };
    Ok(Fault {
        name: name.unwrap().to_string_lossy().into_owned(),
        source: path.to_path_buf(),
        foreign,
        replaces: field("replaces").ok_or_else(|| missing("`replaces:`"))?,
        rejected_by,
        accepted_by,
        mistake: mistake.join(" "),
        within_s: field("within-s").and_then(|s| s.parse().ok()),
    })
}

/// The `[package.metadata.hostile]` table of a faults crate's manifest: one
/// `program = { fixtures = [...], rejected-by = "..." }` line per program, or
/// `program = [{ … }, { … }]` when its fixtures need different tests (only
/// these one-line forms of TOML are read).
pub fn hostile(manifest: &str) -> Result<Vec<Hostile>, String> {
    let mut declared = Vec::new();
    let mut inside = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == "[package.metadata.hostile]";
            continue;
        }
        if !inside || line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (program, value) = line
            .split_once('=')
            .ok_or(format!("`{line}`: not `program = {{ … }}`"))?;
        let program = program.trim().trim_matches('"').to_string();
        // One table, or a list of them for a program whose fixtures are
        // rejected by different tests.
        let value = value.trim();
        let tables: Vec<&str> = match value.strip_prefix('[') {
            Some(list) => list
                .strip_suffix(']')
                .ok_or(format!("{program}: a list of tables not closed by `]`"))?
                .split_inclusive('}')
                .map(|table| table.trim().trim_start_matches(',').trim())
                .filter(|table| !table.is_empty())
                .collect(),
            None => vec![value],
        };
        for table in tables {
            let fields = inline_table(table).ok_or(format!(
                "{program}: not {{ fixtures = [\"…\"], rejected-by = \"…\" }}"
            ))?;
            let mut fixtures = None;
            let mut rejected_by = None;
            for (key, value) in fields {
                match (key.as_str(), value) {
                    ("fixtures", Value::List(list)) => fixtures = Some(list),
                    ("rejected-by", Value::Text(test)) => rejected_by = Some(test),
                    (key, _) => return Err(format!("{program}: unknown or mistyped key `{key}`")),
                }
            }
            declared.push(Hostile {
                fixtures: fixtures.ok_or(format!("{program}: no `fixtures = [...]`"))?,
                rejected_by: rejected_by.ok_or(format!("{program}: no `rejected-by = \"…\"`"))?,
                program: program.clone(),
            });
        }
    }
    Ok(declared)
}

/// A value of an inline table: a string or a list of strings.
enum Value {
    Text(String),
    List(Vec<String>),
}

/// `{ key = "text", key = ["a", "b"] }`, or `None` when it is not that.
fn inline_table(text: &str) -> Option<Vec<(String, Value)>> {
    let mut rest = text.strip_prefix('{')?.strip_suffix('}')?.trim();
    let mut fields = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let key = key.trim().trim_matches('"').to_string();
        let after = after.trim_start();
        let value;
        (value, rest) = match after.strip_prefix('[') {
            Some(list) => {
                let (items, after) = list.split_once(']')?;
                let mut names = Vec::new();
                for item in items.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                    names.push(quoted(item)?.0);
                }
                (Value::List(names), after)
            }
            None => {
                let (text, after) = quoted(after)?;
                (Value::Text(text), after)
            }
        };
        fields.push((key, value));
        rest = rest.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Some(fields)
}

/// A `"string"` at the start of `text` (no escapes), and what follows it.
fn quoted(text: &str) -> Option<(String, &str)> {
    let inner = text.strip_prefix('"')?;
    let end = inner.find('"')?;
    Some((inner[..end].to_string(), &inner[end + 1..]))
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

/// The hostile fixtures: the bins of [`HOSTILE_DIR`], in name order.
pub fn hostile_fixtures(root: &Path) -> Result<Vec<String>, String> {
    Ok(files(&root.join(HOSTILE_DIR).join("src/bin"), "rs")?
        .iter()
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_hostile_declarations() {
        let manifest = r#"
[package]
name = "chat-faults"

# The hostile fixtures.
[package.metadata.hostile]
chat-server = { fixtures = ["exits-at-once", "never-listens"], rejected-by = "step1_a" }
"chat-client" = {rejected-by="step5_b",fixtures=["never-exits"]}
shm-reader = [{ fixtures = ["never-exits"], rejected-by = "step3_c" }, { fixtures = ["silent-server"], rejected-by = "step4_d" }]

[dependencies]
x = { path = "y" }
"#;
        assert_eq!(
            hostile(manifest).unwrap(),
            vec![
                Hostile {
                    program: "chat-server".into(),
                    fixtures: vec!["exits-at-once".into(), "never-listens".into()],
                    rejected_by: "step1_a".into(),
                },
                Hostile {
                    program: "chat-client".into(),
                    fixtures: vec!["never-exits".into()],
                    rejected_by: "step5_b".into(),
                },
                Hostile {
                    program: "shm-reader".into(),
                    fixtures: vec!["never-exits".into()],
                    rejected_by: "step3_c".into(),
                },
                Hostile {
                    program: "shm-reader".into(),
                    fixtures: vec!["silent-server".into()],
                    rejected_by: "step4_d".into(),
                },
            ]
        );
        let wrong = "[package.metadata.hostile]\nx = { fixtures = [\"a\"], rejected = \"t\" }\n";
        assert!(hostile(wrong).unwrap_err().contains("`rejected`"));
        let wrong = "[package.metadata.hostile]\nx = { fixtures = [\"a\"] }\n";
        assert!(hostile(wrong).unwrap_err().contains("rejected-by"));
    }

    #[test]
    fn reads_a_foreign_programs_header() {
        let dir = std::env::temp_dir().join(format!("xtask-kit-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("pi-worker-plain.py");
        fs::write(
            &path,
            "#!/usr/bin/env python3\n# A plain worker.\n# Lecture-like.\n#\n\
             # replaces: pi-worker\n# accepted-by: step1_ step2_\n\nprint(1)\n",
        )
        .unwrap();
        let fault = fault(&path, "#", true).unwrap();
        assert_eq!(fault.name, "pi-worker-plain.py");
        assert_eq!(fault.replaces, "pi-worker");
        assert_eq!(fault.accepted_by, vec!["step1_", "step2_"]);
        assert_eq!(fault.rejected_by, None);
        assert_eq!(fault.mistake, "A plain worker. Lecture-like.");
        let err = foreign_program(&path).unwrap_err();
        assert!(err.contains("not executable"), "{err}");
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        foreign_program(&path).unwrap();
        fs::write(&path, "print(1)\n").unwrap();
        assert!(foreign_program(&path).unwrap_err().contains("#!"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
