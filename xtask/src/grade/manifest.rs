//! The manifests of the student's build: the kit's, with the student's
//! registry dependencies and nothing of the kit's tests.
//!
//! A student chooses the crates their code uses, never the tests, the test
//! targets, the dev-dependencies or a build script. A `path` or `git`
//! dependency is refused: it would bring code (and a `build.rs`) from outside
//! `src/` into the build.

use std::path::Path;

/// The kit's root manifest with one member, the exercise: its
/// `[workspace.package]`, profiles and registry `[workspace.dependencies]`
/// stay; the path ones (the harness, the faults' helpers) go.
pub fn workspace(kit_manifest: &str, dir: &str) -> String {
    let mut out = String::new();
    let mut table = String::new();
    let mut lines = kit_manifest.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            table = trimmed.to_string();
        }
        let key = line.split('=').next().unwrap_or("").trim();
        if table == "[workspace]" && ["members", "default-members", "exclude"].contains(&key) {
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
        if table == "[workspace.dependencies]" && sources_outside_registry(line) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if trimmed == "[workspace]" {
            out.push_str(&format!("members = [\"exercises/{dir}\"]\n"));
        }
    }
    out
}

/// The exercise's manifest for the student's build: the kit's `[package]`
/// and `[[bin]]`s, the submission's dependency tables (the kit's when it has
/// no manifest). Err names a dependency that is not from the registry.
pub fn exercise(kit_manifest: &str, theirs: Option<&str>) -> Result<String, String> {
    let mut out = String::new();
    for (header, body) in tables(kit_manifest) {
        let kept = !is_dependency_table(&header)
            && !header.contains("dev-dependencies")
            && !header.contains("build-dependencies")
            && !["test", "bench", "example"].contains(&header.as_str());
        if kept {
            out.push_str(&body);
        }
    }
    out.push_str("\n# The submission's own dependencies:\n");
    for (header, body) in tables(theirs.unwrap_or(kit_manifest)) {
        if !is_dependency_table(&header) {
            continue;
        }
        if let Some(line) = body.lines().skip(1).find(|l| sources_outside_registry(l)) {
            return Err(format!(
                "refused: exercises/<exercise>/Cargo.toml [{header}] has `{}`: only registry \
                 dependencies are built (no `path` or `git`)",
                line.trim()
            ));
        }
        out.push_str(&body);
    }
    Ok(out)
}

/// Refuses a dependency the kit's `Cargo.lock` does not have. The student's
/// build runs the build scripts of the crates it uses: the kit's own crates
/// were chosen and pinned by the kit; any other crate of the registry could
/// bring code that runs on the grading machine before a single test does.
pub fn only_locked_crates(manifest: &str, lock: &str) -> Result<(), String> {
    let locked: Vec<&str> = lock
        .lines()
        .filter_map(|line| line.strip_prefix("name = "))
        .map(|name| name.trim().trim_matches('"'))
        .collect();
    for (header, body) in tables(manifest) {
        if !is_dependency_table(&header) {
            continue;
        }
        let names: Vec<String> = match header.split_once("dependencies.") {
            Some((_, name)) => vec![renamed(body.as_str()).unwrap_or(name).to_string()],
            None => body
                .lines()
                .skip(1)
                .map(|line| line.split('#').next().unwrap_or(""))
                .filter_map(|line| {
                    let (key, value) = line.split_once('=')?;
                    let key = key.trim().split('.').next()?.trim_matches('"');
                    Some(renamed(value).unwrap_or(key).to_string())
                })
                .filter(|name| !name.is_empty())
                .collect(),
        };
        if let Some(name) = names.iter().find(|name| !locked.contains(&name.as_str())) {
            return Err(format!(
                "refused: exercises/<exercise>/Cargo.toml [{header}] names `{name}`, which the kit's \
                 Cargo.lock does not have: only the crates the kit pins are built for grading"
            ));
        }
    }
    Ok(())
}

/// The real crate name of a renamed dependency (`package = "…"`).
fn renamed(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("package")?;
    let rest = rest
        .trim_start()
        .strip_prefix('=')?
        .trim_start()
        .strip_prefix('"')?;
    rest.split('"').next()
}

/// Whether a manifest line gives a `path` or `git` source (`x = { path = … }`,
/// `x.git = …`, or `path = …` inside `[dependencies.x]`).
fn sources_outside_registry(line: &str) -> bool {
    let code = line.split('#').next().unwrap_or("");
    code.split(['{', ','])
        .filter_map(|part| part.split_once('=').map(|(key, _)| key))
        .map(|key| {
            key.trim()
                .rsplit('.')
                .next()
                .unwrap_or("")
                .trim_matches('"')
        })
        .any(|key| ["path", "git"].contains(&key))
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

/// The programs of the kit's exercise crate: `src/bin/<name>.rs`, and the
/// package itself when it has a `src/main.rs`.
pub fn programs(kit_crate: &Path, package: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(kit_crate.join("src/bin"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| Some(path.file_stem()?.to_string_lossy().into_owned()))
        .collect();
    if kit_crate.join("src/main.rs").is_file() {
        names.push(package.to_string());
    }
    names.sort();
    names
}

#[cfg(test)]
mod tests {

    #[test]
    fn only_the_kits_locked_crates_are_built() {
        let lock = "[[package]]\nname = \"clap\"\n\n[[package]]\nname = \"serde_json\"\n";
        let ok = "[dependencies]\nclap = \"4\"\nserde_json.workspace = true\njson = { package = \"serde_json\", version = \"1\" }\n";
        assert_eq!(only_locked_crates(ok, lock), Ok(()));
        let evil = "[dependencies]\nclap = \"4\"\nevil-build = \"1\"\n";
        let err = only_locked_crates(evil, lock).unwrap_err();
        assert!(err.contains("`evil-build`"), "{err}");
        let table = "[dependencies.evil]\nversion = \"1\"\n";
        assert!(only_locked_crates(table, lock).is_err());
        let target = "[target.'cfg(unix)'.dependencies]\nnix = \"0.29\"\n";
        assert!(only_locked_crates(target, lock).is_err());
    }

    use super::*;

    #[test]
    fn the_workspace_has_one_member_and_no_path_dependencies() {
        let kit =
            "[workspace]\nresolver = \"2\"\nmembers = [\n    \"exercises/*\",\n    \"xtask\",\n]\n\
                   default-members = [\"exercises/*\"]\n\n[workspace.dependencies]\nclap = \"4\"\n\
                   harness = { path = \"tests/harness\" }\n";
        assert_eq!(
            workspace(kit, "01-latency"),
            "[workspace]\nmembers = [\"exercises/01-latency\"]\nresolver = \"2\"\n\n\
             [workspace.dependencies]\nclap = \"4\"\n"
        );
    }

    #[test]
    fn the_submission_brings_only_its_registry_dependencies() {
        let kit = "[package]\nname = \"latency\"\n\n[dependencies]\nclap.workspace = true\n\n\
                   [dev-dependencies]\nharness.workspace = true\n\n[[test]]\nname = \"latency\"\n";
        let theirs = "[package]\nname = \"mine\"\nbuild = \"evil.rs\"\n\n[dependencies]\nclap.workspace = true\n\
                      rand = \"0.8\"\n\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n\n\
                      [[test]]\nname = \"mine\"\npath = \"x.rs\"\n";
        let merged = exercise(kit, Some(theirs)).unwrap();
        assert!(merged.contains("name = \"latency\"") && !merged.contains("mine"));
        assert!(merged.contains("rand = \"0.8\"") && merged.contains("libc = \"0.2\""));
        assert!(
            !merged.contains("harness") && !merged.contains("[[test]]") && !merged.contains("evil")
        );
        assert!(exercise(kit, None)
            .unwrap()
            .contains("clap.workspace = true"));
    }

    #[test]
    fn path_and_git_dependencies_are_refused() {
        let kit = "[package]\nname = \"latency\"\n";
        for theirs in [
            "[dependencies]\nevil = { path = \"src/evil\" }\n",
            "[dependencies]\nevil = { version = \"1\", git = \"https://x\" }\n",
            "[dependencies.evil]\npath = \"src/evil\"\n",
            "[dependencies]\nevil.path = \"src/evil\"\n",
        ] {
            let err = exercise(kit, Some(theirs)).unwrap_err();
            assert!(err.starts_with("refused:"), "{theirs}: {err}");
        }
        assert!(exercise(
            kit,
            Some("[dependencies]\nrand = { version = \"0.8\" } # a path\n")
        )
        .is_ok());
    }
}
