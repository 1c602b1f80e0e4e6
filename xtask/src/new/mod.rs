//! `cargo xtask new NN-name --bins a,b [--crate name]`: the skeleton of a new
//! exercise, every folder and line that `verify` and the student tools look
//! for, so that the maintainer writes only the exercise itself:
//!
//! - `exercises/NN-name/`: the stub crate. Its `src/lib.rs` holds the command
//!   lines (clap `Args`), given; each `src/bin/<bin>.rs` parses them and stops
//!   at `todo!("README step 1: …")`. The README with its `Concepts:` line,
//!   `## Step 1`, `## Hints` / `### Step 1` and `## After it passes`.
//! - `solutions/NN-name/`: `<crate>-solution`, whose lib re-exports the stub's
//!   command lines (a dependency on the stub crate), so they are written once:
//!   the stub, the solution and its faults cannot disagree on a flag.
//! - `tests/<crate>.rs`: a `step1_` test per program, on the harness.
//! - `tests/faults/NN-name/`: `<crate>-faults`, on the solution's lib, with
//!   the hostile fixtures declared for every program.
//! - a row of the root README's table, and a note in `grading.toml`.

mod templates;

use std::fs;
use std::path::{Path, PathBuf};

use crate::kit;

pub const USAGE: &str = "\
usage: cargo xtask new NN-name --bins a,b [--crate name]

  NN-name        the exercise's folder: two digits, a dash, lowercase words (07-pipes)
  --bins a,b     its programs; a name ending in `server` is a server (--host, --port), any other a client (--server)
  --crate name   the stub crate's name (default: the folder's name without NN-)";

/// What the new exercise is called, everywhere.
pub struct Names {
    /// `07-pipes`.
    pub dir: String,
    /// `07`.
    pub number: String,
    /// `pipes`: the folder's name without its number.
    pub title: String,
    /// `pipes`: the stub crate (`--crate`, or the title).
    pub krate: String,
    /// `pipes`: the crate as a Rust identifier, and the test target's name.
    pub ident: String,
    pub bins: Vec<Bin>,
}

/// One program of the exercise.
pub struct Bin {
    /// `pipe-server`.
    pub name: String,
    pub server: bool,
    /// `ServerArgs`: its command line's struct in the stub's lib.
    pub args: String,
}

pub fn run(args: &[String]) -> Result<bool, String> {
    let mut dir = None;
    let mut bins = None;
    let mut krate = None;
    let mut root = kit::root();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |what: &str| {
            args.next()
                .cloned()
                .ok_or(format!("{arg} needs {what}\n{USAGE}"))
        };
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(true);
            }
            "--bins" => bins = Some(value("a list of programs")?),
            "--crate" => krate = Some(value("a name")?),
            // Another kit than this one: for xtask's own tests.
            "--kit" => root = PathBuf::from(value("a folder")?),
            other if other.starts_with('-') => {
                return Err(format!("new: unknown option {other}\n{USAGE}"))
            }
            other if dir.is_none() => dir = Some(other.to_string()),
            other => return Err(format!("new: one exercise at a time ({other}?)\n{USAGE}")),
        }
    }
    let dir = dir.ok_or(format!("new: which exercise?\n{USAGE}"))?;
    let bins = bins.ok_or(format!(
        "new: --bins is missing: the exercise's programs, as `--bins x-server,x-client`\n{USAGE}"
    ))?;
    let names = names(&dir, &bins, krate.as_deref())?;
    refuse_existing(&root, &names)?;
    let written = write(&root, &names)?;
    println!("created exercise {} (crate {}):", names.dir, names.krate);
    for path in &written {
        println!("  {}", path.display());
    }
    println!("{}", templates::next_steps(&names));
    Ok(true)
}

/// Checks the names and derives the others from them.
pub fn names(dir: &str, bins: &str, krate: Option<&str>) -> Result<Names, String> {
    let (number, title) = dir
        .split_once('-')
        .filter(|(n, _)| n.len() == 2 && n.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(format!(
            "new: `{dir}` is not NN-name: two digits, a dash, a name (07-pipes)"
        ))?;
    if !is_name(title) {
        return Err(format!(
            "new: `{title}` (in `{dir}`) is not a name: lowercase letters, digits and single dashes, \
             starting with a letter"
        ));
    }
    let krate = krate.unwrap_or(title);
    if !is_name(krate) {
        return Err(format!(
            "new: crate `{krate}` is not a name: lowercase letters, digits and single dashes"
        ));
    }
    let names: Vec<&str> = bins
        .split(',')
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .collect();
    if names.is_empty() {
        return Err("new: --bins names no program (`--bins x-server,x-client`)".into());
    }
    let mut programs: Vec<Bin> = Vec::new();
    for name in &names {
        if !is_name(name) {
            return Err(format!(
                "new: program `{name}` is not a name: lowercase letters, digits and single dashes"
            ));
        }
        if programs.iter().any(|b| b.name == *name) {
            return Err(format!("new: program `{name}` is named twice"));
        }
        programs.push(Bin {
            name: name.to_string(),
            server: name.ends_with("server"),
            args: String::new(),
        });
    }
    // `ServerArgs` when the last word of the name is the program's own,
    // `PiWorkerArgs` otherwise.
    let last = |name: &str| name.rsplit('-').next().unwrap_or(name).to_string();
    for i in 0..programs.len() {
        let word = last(&programs[i].name);
        let unique = programs.iter().filter(|b| last(&b.name) == word).count() == 1;
        let base = if unique {
            word
        } else {
            programs[i].name.clone()
        };
        programs[i].args = format!("{}Args", camel(&base));
    }
    Ok(Names {
        dir: dir.to_string(),
        number: number.to_string(),
        title: title.to_string(),
        krate: krate.to_string(),
        ident: krate.replace('-', "_"),
        bins: programs,
    })
}

/// Lowercase ASCII words joined by single dashes, starting with a letter.
fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// `pi-worker` as `PiWorker`.
fn camel(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Refuses a name the kit already has: the folders, the crate, the test
/// file, or a program another stub builds (two default members building the
/// same binary collide in `target/debug`).
fn refuse_existing(root: &Path, names: &Names) -> Result<(), String> {
    for folder in ["exercises", "solutions", "tests/faults"] {
        let path = root.join(folder).join(&names.dir);
        if path.exists() {
            return Err(format!(
                "new: {folder}/{} exists already: choose another name",
                names.dir
            ));
        }
    }
    for dir in kit::exercise_dirs(root)? {
        let number = dir.split('-').next().unwrap_or_default();
        if number == names.number {
            return Err(format!(
                "new: exercise {dir} has the number {number} already"
            ));
        }
        let manifest = kit::read(&root.join("exercises").join(&dir).join("Cargo.toml"))?;
        if kit::package_name(&manifest).as_deref() == Some(names.krate.as_str()) {
            return Err(format!(
                "new: exercise {dir} is crate {} already: choose another --crate",
                names.krate
            ));
        }
        for (bin, _) in kit::targets(&manifest, "[[bin]]") {
            if names.bins.iter().any(|b| b.name == bin) {
                return Err(format!(
                    "new: exercise {dir} has a program {bin} already: two stubs building one \
                     name collide in target/debug"
                ));
            }
        }
    }
    let test = format!("tests/{}.rs", names.ident);
    if root.join(&test).exists() {
        return Err(format!(
            "new: {test} exists already: choose another --crate"
        ));
    }
    Ok(())
}

/// Writes every file, and the lines added to the README and grading.toml;
/// returns what it wrote, relative to the kit.
fn write(root: &Path, names: &Names) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    for (path, text) in templates::files(names) {
        let full = root.join(&path);
        fs::create_dir_all(full.parent().expect("a file in a folder"))
            .map_err(|e| format!("{}: {e}", full.display()))?;
        fs::write(&full, text).map_err(|e| format!("{}: {e}", full.display()))?;
        written.push(path);
    }
    // The kit's sources are `cargo fmt`-clean; so are these, whatever the
    // names did to the order of the imports.
    let sources: Vec<PathBuf> = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| root.join(p))
        .collect();
    let _ = std::process::Command::new("rustfmt")
        .args(["--edition", "2021"])
        .args(&sources)
        .status();
    let readme = root.join("README.md");
    if let Ok(text) = fs::read_to_string(&readme) {
        if let Some(text) = templates::readme_with_row(&text, names) {
            fs::write(&readme, text).map_err(|e| format!("{}: {e}", readme.display()))?;
            written.push("README.md (a row of the exercises' table)".into());
        }
    }
    let grading = root.join(crate::points::FILE);
    if let Ok(mut text) = fs::read_to_string(&grading) {
        text.push_str(&templates::grading_note(names));
        fs::write(&grading, text).map_err(|e| format!("{}: {e}", grading.display()))?;
        written.push(format!("{} (a note)", crate::points::FILE).into());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_derived() {
        let names = names("07-pi-pipes", "pi-master, pi-worker", Some("pipes")).unwrap();
        assert_eq!(names.krate, "pipes");
        assert_eq!(names.ident, "pipes");
        let args: Vec<&str> = names.bins.iter().map(|b| b.args.as_str()).collect();
        assert_eq!(args, ["MasterArgs", "WorkerArgs"]);
        let names = super::names("08-group-chat", "chat-server,relay-server", None).unwrap();
        assert_eq!(names.ident, "group_chat");
        let args: Vec<&str> = names.bins.iter().map(|b| b.args.as_str()).collect();
        assert_eq!(args, ["ChatServerArgs", "RelayServerArgs"]);
        assert!(names.bins.iter().all(|b| b.server));

        for (dir, bins) in [
            ("7-pipes", "a"),
            ("07_pipes", "a"),
            ("07-Pipes", "a"),
            ("07-pipes-", "a"),
            ("07-pipes", ""),
            ("07-pipes", "a,a"),
            ("07-pipes", "a_b"),
        ] {
            assert!(super::names(dir, bins, None).is_err(), "{dir} {bins}");
        }
    }
}
