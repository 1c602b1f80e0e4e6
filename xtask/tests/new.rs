//! `cargo xtask new`, run on a copy of the kit's bones (the workspace's
//! manifest and lock, the README, grading.toml, the harness, the hostile
//! fixtures and exercise 01's stub): it writes the whole skeleton, the
//! generated crates build (`cargo check`, offline, into a target directory
//! kept between runs), and it refuses what it must.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fresh copy of the kit's bones, in a folder of this checkout's own.
fn kit_copy() -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root().hash(&mut hasher);
    let kit = std::env::temp_dir()
        .join(format!("ipc-kit-new-tests-{:016x}", hasher.finish()))
        .join("kit");
    let _ = std::fs::remove_dir_all(&kit);
    std::fs::create_dir_all(&kit).unwrap();
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    // Without xtask: the copy is only the exercises' workspace.
    let manifest = manifest.replace("    \"xtask\",\n", "");
    std::fs::write(kit.join("Cargo.toml"), manifest).unwrap();
    for file in ["Cargo.lock", "README.md", "grading.toml"] {
        std::fs::copy(root().join(file), kit.join(file)).unwrap();
    }
    for dir in [
        "tests/harness",
        "tests/faults/hostile",
        "exercises/01-latency",
    ] {
        copy(&root().join(dir), &kit.join(dir));
    }
    kit
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn new(kit: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("new")
        .args(args)
        .arg("--kit")
        .arg(kit)
        .stdin(Stdio::null())
        .output()
        .expect("xtask runs")
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn read(kit: &Path, path: &str) -> String {
    std::fs::read_to_string(kit.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn new_writes_an_exercise_that_builds_and_refuses_what_it_must() {
    let kit = kit_copy();
    let output = new(&kit, &["10-echo", "--bins", "echo-server,echo-client"]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("cargo xtask verify --exercise 10-echo"));

    let stub = read(&kit, "exercises/10-echo/Cargo.toml");
    for wanted in [
        "name = \"echo\"",
        "[lints]\nworkspace = true",
        "[[bin]]\nname = \"echo-server\"\npath = \"src/bin/echo-server.rs\"\ntest = false",
        "[[bin]]\nname = \"echo-client\"",
        "[[test]]\nname = \"echo\"\npath = \"../../tests/echo.rs\"",
    ] {
        assert!(
            stub.contains(wanted),
            "stub manifest lacks {wanted:?}:\n{stub}"
        );
    }
    let lib = read(&kit, "exercises/10-echo/src/lib.rs");
    assert!(lib.contains("pub struct ServerArgs") && lib.contains("pub struct ClientArgs"));
    assert!(lib.contains("default_value_t = 9010"));
    let server = read(&kit, "exercises/10-echo/src/bin/echo-server.rs");
    assert!(server.contains("todo!(") && server.contains("README step 1: "));
    assert!(server.contains("use echo::ServerArgs;"));

    let readme = read(&kit, "exercises/10-echo/README.md");
    for wanted in [
        "\nConcepts: ",
        "\n## Step 1: ",
        "\n## Hints\n\n### Step 1\n",
        "\n## After it passes\n",
    ] {
        assert!(readme.contains(wanted), "README lacks {wanted:?}");
    }
    let solution = read(&kit, "solutions/10-echo/Cargo.toml");
    assert!(solution.contains("name = \"echo-solution\"") && solution.contains("[[test]]"));
    assert!(read(&kit, "solutions/10-echo/src/lib.rs")
        .contains("pub use echo::{ClientArgs, ServerArgs};"));
    let tests = read(&kit, "tests/echo.rs");
    assert!(tests.contains("fn step1_echo_server_answers_a_line()"));
    assert!(tests.contains("fn step1_echo_client_fails_without_a_server()"));
    let faults = read(&kit, "tests/faults/10-echo/Cargo.toml");
    assert!(faults.contains(
        "echo-server = { fixtures = [\"exits-at-once\", \"never-listens\", \"silent-server\"], \
         rejected-by = \"step1_echo_server_answers_a_line\" }"
    ));
    assert!(faults.contains("echo-solution = { path = \"../../../solutions/10-echo\" }"));
    let table = read(&kit, "README.md");
    let row = table
        .lines()
        .position(|l| l.starts_with("| [10 echo](exercises/10-echo/README.md) | `echo` |"))
        .expect("a row for 10 in the README's table");
    assert!(table.lines().nth(row - 1).unwrap().starts_with("| [09 "));
    assert!(read(&kit, "grading.toml").contains("# [10-echo]"));

    // The generated crates build, their tests too, and are fmt-clean.
    let target = root().join("target/xtask-new-tests");
    let check = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--all-targets"])
        .args(["-p", "echo", "-p", "echo-solution", "-p", "echo-faults"])
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .current_dir(&kit)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(check.status.success(), "cargo check:\n{}", text(&check));
    let fmt = Command::new(env!("CARGO"))
        .args([
            "fmt",
            "--check",
            "-p",
            "echo",
            "-p",
            "echo-solution",
            "-p",
            "echo-faults",
        ])
        .current_dir(&kit)
        .output()
        .unwrap();
    assert!(fmt.status.success(), "cargo fmt --check:\n{}", text(&fmt));

    // What it refuses, saying why.
    for (args, why) in [
        (&["10-echo", "--bins", "x-server"][..], "exists already"),
        (
            &["08-echo", "--bins", "x-server"][..],
            "is crate echo already",
        ),
        (
            &["10-other", "--bins", "x-server"][..],
            "has the number 10 already",
        ),
        (
            &["08-ping", "--bins", "latency-server"][..],
            "has a program latency-server",
        ),
        (&["8-ping", "--bins", "x"][..], "is not NN-name"),
        (&["08-Ping", "--bins", "x"][..], "is not a name"),
        (&["08-ping"][..], "--bins is missing"),
        (&["08-ping", "--bins", ","][..], "names no program"),
    ] {
        let output = new(&kit, args);
        assert!(!output.status.success(), "{args:?} was not refused");
        assert!(text(&output).contains(why), "{args:?}: {}", text(&output));
    }
    assert!(!kit.join("exercises/08-ping").exists());
}
