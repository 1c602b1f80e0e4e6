//! `cargo xtask grade`, run as a grading pipeline runs it, its reports
//! compared whole with golden files in `tests/golden/`.
//!
//! - a kit of five tiny exercises (`tests/fixtures/kit`) and a submission
//!   (`tests/fixtures/submission`) in which one exercise grades normally, one
//!   does not compile, one hangs and runs out of time, one is missing, one
//!   names a dependency that does not exist;
//! - the same, interrupted with SIGINT while a test hangs;
//! - exercise 01 of this kit, untouched stub: 0 everywhere, every test says why;
//! - exercise 01 with the reference solution as the submission: full marks.
//!
//! Reports hold nothing that depends on timing; what depends on the machine
//! (the scratch folder's path, the ports the harness picked, line numbers of
//! the kit's sources) is replaced by a placeholder before comparing. After a
//! deliberate change to a report (new wording, changed latency tests):
//! `UPDATE_GOLDEN=1 cargo test -p xtask --test grade`, then review the diff.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;

/// The kit's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A folder of this test's own, outside the kit: the sandbox user must reach
/// the programs grade copies or builds there, and cannot cross a kit that is
/// unreadable to it (as in CI).
///
/// One folder per checkout of the kit (named by a hash of its path): two
/// checkouts tested at once on one machine never share reports or builds.
fn work(name: &str) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root().hash(&mut hasher);
    std::env::temp_dir()
        .join(format!("ipc-kit-grade-tests-{:016x}", hasher.finish()))
        .join(name)
}

fn xtask(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).stdin(Stdio::null());
    // Set on purpose: grading must not let it change what the tests run.
    command.env("IPC_KIT_BIN_LATENCY_SERVER", "/bin/true");
    command.output().expect("xtask runs")
}

/// Grades and returns the report; fails the test unless grade exited `code`.
fn grade(work_dir: &Path, format: &str, args: &[&str], code: i32) -> String {
    std::fs::create_dir_all(work_dir).unwrap();
    let out = work_dir.join(format!("report.{format}"));
    let _ = std::fs::remove_file(&out);
    let mut all = vec!["grade", "--format", format, "--out", out.to_str().unwrap()];
    all.extend(["--work-dir", work_dir.to_str().unwrap()]);
    all.extend(args);
    let output = xtask(&all);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "xtask {all:?}\nstderr:\n{stderr}"
    );
    std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("no report ({e}); stderr:\n{stderr}"))
}

/// Compares `report` with `tests/golden/<name>` once normalized (or writes
/// it, with UPDATE_GOLDEN=1).
fn golden(name: &str, report: &str, work_dir: &Path) {
    let report = normalize(report, work_dir);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &report).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if report != expected {
        let actual = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("grade")
            .join(name);
        std::fs::create_dir_all(actual.parent().unwrap()).unwrap();
        std::fs::write(&actual, &report).unwrap();
        panic!(
            "the report differs from {} (the new one is in {}; `diff` them, and if the change is \
             deliberate, run with UPDATE_GOLDEN=1)",
            path.display(),
            actual.display()
        );
    }
}

/// The scratch folder as `<work>`, ports as `PORT`, `file.rs:12:5` as
/// `file.rs:L:C`, and the harness's `stderr of …` tails left out: the harness
/// reads a program's stderr on a thread of its own, and a report may be made
/// before that thread has read a program's last words.
fn normalize(report: &str, work_dir: &Path) -> String {
    let mut kept = Vec::new();
    let mut in_stderr = false;
    for line in report.lines() {
        if in_stderr && line.starts_with("    |") {
            continue;
        }
        in_stderr = false;
        if let Some(rest) = line.strip_prefix("  stderr of ") {
            let program = rest.split([' ', ':']).next().unwrap_or_default();
            kept.push(format!(
                "  stderr of {program}: (left out of golden reports)"
            ));
            in_stderr = true;
        } else {
            kept.push(line.to_string());
        }
    }
    let text = sandbox_lines(&(kept.join("\n") + "\n"));
    let text = text.replace(work_dir.to_str().unwrap(), "<work>");
    let text = digits_after(&text, "127.0.0.1:", "PORT");
    let text = digits_after(&text, "]:", "PORT");
    digits_after(&digits_after(&text, ".rs:", "L"), ".rs:L:", "C")
}

/// The report's `sandbox: …` line as `sandbox: <sandbox>` and its
/// `not sandboxed: …` lines left out (they name this machine's uid and paths),
/// once it is checked that the line is there and true to who runs the test.
fn sandbox_lines(text: &str) -> String {
    // SAFETY: geteuid has no preconditions.
    let expected = match unsafe { libc::geteuid() } {
        0 => "sandbox: user ipc-kit-student (uid ",
        _ => "sandbox: none (not root",
    };
    assert!(text.contains(expected), "no `{expected}` line in:\n{text}");
    let mut kept = Vec::new();
    for line in text.lines() {
        if line.contains("\\n") {
            // JSON: the report's lines are one string, with `\n` written out.
            let line = replace_lines(line, "not sandboxed: ", None);
            kept.push(replace_lines(
                &line,
                "sandbox: ",
                Some("sandbox: <sandbox>"),
            ));
        } else if !line.contains("not sandboxed: ") {
            kept.push(match line.find("sandbox: ") {
                Some(at) if line.ends_with(" -->") => {
                    format!("{}sandbox: <sandbox> -->", &line[..at])
                }
                Some(at) => format!("{}sandbox: <sandbox>", &line[..at]),
                None => line.to_string(),
            });
        }
    }
    kept.join("\n") + "\n"
}

/// Each `\n`-ended part of a JSON string that starts with `prefix`, as `with`
/// (or left out).
fn replace_lines(text: &str, prefix: &str, with: Option<&str>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at]);
        let line = &rest[at..];
        let end = line.find("\\n").map_or(line.len(), |end| end + 2);
        if let Some(with) = with {
            out.push_str(with);
            if line[..end].ends_with("\\n") {
                out.push_str("\\n");
            }
        }
        rest = &line[end..];
    }
    out.push_str(rest);
    out
}

fn digits_after(text: &str, prefix: &str, placeholder: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let (before, after) = rest.split_at(at + prefix.len());
        out.push_str(before);
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            out.push_str(placeholder);
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn broken_and_hung_exercises_score_zero_and_the_others_still_score() {
    let work_dir = work("fixture");
    let kit = fixtures().join("kit");
    let submission = fixtures().join("submission");
    let report = grade(
        &work_dir,
        "json",
        &[
            "--kit",
            kit.to_str().unwrap(),
            "--submission",
            submission.to_str().unwrap(),
            "--test-timeout-s",
            "2",
            "--timeout-s",
            "4",
        ],
        0,
    );
    golden("fixture.json", &report, &work_dir);
}

#[test]
fn an_interrupted_grading_still_writes_its_report() {
    let work_dir = work("interrupted");
    std::fs::create_dir_all(&work_dir).unwrap();
    let out = work_dir.join("report.json");
    let _ = std::fs::remove_file(&out);
    let kit = fixtures().join("kit");
    let submission = fixtures().join("submission");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["grade", "--format", "json", "--out", out.to_str().unwrap()])
        .args([
            "--work-dir",
            work_dir.to_str().unwrap(),
            "--kit",
            kit.to_str().unwrap(),
        ])
        .args([
            "--submission",
            submission.to_str().unwrap(),
            "--exercise",
            "sleeper",
            "--exercise",
            "adder",
        ])
        .args(["--test-timeout-s", "60", "--require-pass"])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt it while it waits on the hung test: an event, not a clock.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap() > 0 && !line.contains("step2_hang") {
        line.clear();
    }
    assert!(
        line.contains("step2_hang"),
        "grade never reached the hung test"
    );
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(1),
        "the report is written; --require-pass fails it"
    );
    let report = std::fs::read_to_string(&out).expect("a report");
    golden("interrupted.json", &report, &work_dir);
}

/// The two gradings of exercise 01 share one scratch workspace (and its
/// build): one at a time.
static LATENCY: Mutex<()> = Mutex::new(());

#[test]
fn the_untouched_stub_scores_zero_and_says_why_for_every_test() {
    let _one_at_a_time = LATENCY.lock().unwrap_or_else(|e| e.into_inner());
    let work_dir = work("latency");
    let report = grade(
        &work_dir,
        "junit",
        &["--exercise", "latency", "--require-pass"],
        1,
    );
    let tests = report.matches("<testcase ").count();
    assert!(
        tests > 0 && report.matches("<failure message=\"").count() == tests,
        "{report}"
    );
    assert!(
        !report.contains("<failure message=\"\""),
        "a failure without a reason:\n{report}"
    );
    golden("latency-stub.xml", &report, &work_dir);
}

#[test]
fn the_reference_solution_scores_full_marks() {
    let _one_at_a_time = LATENCY.lock().unwrap_or_else(|e| e.into_inner());
    let work_dir = work("latency");
    // A submission made of the solution's code and manifest, as a student's
    // checkout would hold them.
    let submission = work("solution-submission");
    let theirs = submission.join("exercises/01-latency");
    let _ = std::fs::remove_dir_all(&submission);
    let solution = root().join("solutions/01-latency");
    copy(&solution.join("src"), &theirs.join("src"));
    std::fs::copy(solution.join("Cargo.toml"), theirs.join("Cargo.toml")).unwrap();
    let args = [
        "--exercise",
        "latency",
        "--require-pass",
        "--submission",
        submission.to_str().unwrap(),
    ];
    let report = grade(&work_dir, "text", &args, 0);
    golden("latency-solution.txt", &report, &work_dir);
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

/// `git status` of the kit: what an attack must leave as it was.
fn kit_status() -> String {
    let output = Command::new("git")
        .args([
            "status",
            "--porcelain",
            "--untracked-files=all",
            "--ignored=no",
        ])
        .current_dir(root())
        .output()
        .expect("git runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Submissions that try to bring the kit's code or their own build steps in:
/// each is refused before anything of it is built or run, scores 0 on every
/// test, and the kit is as it was.
#[test]
fn a_symlinked_src_and_a_path_dependency_score_zero() {
    let before = kit_status();
    let attacks = work("attacks");
    let _ = std::fs::remove_dir_all(&attacks);
    // `src` pointing at the reference solution.
    let linked = attacks.join("symlink/exercises/01-latency");
    std::fs::create_dir_all(&linked).unwrap();
    std::os::unix::fs::symlink(root().join("solutions/01-latency/src"), linked.join("src"))
        .unwrap();
    // A path dependency whose build script would rewrite the tests.
    let evil = attacks.join("path-dep/exercises/01-latency");
    copy(&root().join("solutions/01-latency/src"), &evil.join("src"));
    std::fs::create_dir_all(evil.join("src/evil")).unwrap();
    std::fs::write(
        evil.join("src/evil/build.rs"),
        "fn main() { std::fs::write(\"../../../../tests/latency.rs\", \"\").unwrap(); }\n",
    )
    .unwrap();
    let manifest = std::fs::read_to_string(root().join("solutions/01-latency/Cargo.toml")).unwrap();
    std::fs::write(
        evil.join("Cargo.toml"),
        manifest.replace(
            "[dependencies]\n",
            "[dependencies]\nevil = { path = \"src/evil\" }\n",
        ),
    )
    .unwrap();
    for (attack, why) in [
        (
            "symlink",
            "refused: exercises/01-latency/src is a symbolic link",
        ),
        (
            "path-dep",
            "refused: exercises/01-latency/Cargo.toml [dependencies] has `evil = { path",
        ),
    ] {
        let work_dir = work("latency");
        let _one_at_a_time = LATENCY.lock().unwrap_or_else(|e| e.into_inner());
        let submission = attacks.join(attack);
        let args = [
            "--exercise",
            "latency",
            "--submission",
            submission.to_str().unwrap(),
        ];
        let report = grade(&work_dir, "json", &args, 0);
        let json: serde_json::Value = serde_json::from_str(&report).unwrap();
        assert_eq!(json["score"], 0, "{attack}: {report}");
        let tests = json["tests"].as_array().unwrap();
        assert!(
            tests.len() >= 13,
            "{attack}: every test is in the report: {report}"
        );
        assert!(
            tests
                .iter()
                .all(|t| t["output"].as_str().unwrap().starts_with(why)),
            "{attack}: each test says `{why}`: {report}"
        );
    }
    assert_eq!(kit_status(), before, "the kit changed");
}

/// A submission in another language: plain Python programs (stdlib only) in
/// `exercises/01-latency/bin/`, graded by the same tests. Whole, they score
/// full marks; without the sequence check (a bug), they lose exactly the tests
/// of README step 5.
#[test]
fn python_programs_are_graded_by_the_same_tests() {
    let python = fixtures().join("python");
    let buggy = work("python-buggy");
    let _ = std::fs::remove_dir_all(&buggy);
    let bin = buggy.join("exercises/01-latency/bin");
    copy(&python.join("exercises/01-latency/bin"), &bin);
    let client = std::fs::read_to_string(bin.join("latency-client")).unwrap();
    let without_check = client.replace(
        "if len(data) >= 8 and data[:8] == want:  # the sequence check",
        "if True:  # the bug: any pong will do",
    );
    assert_ne!(client, without_check, "the fixture lost its sequence check");
    std::fs::write(bin.join("latency-client"), without_check).unwrap();
    for (submission, lost) in [
        (&python, vec![]),
        (
            &buggy,
            vec![
                "step5_client_ignores_duplicate_replies",
                "step5_client_ignores_stale_replies",
            ],
        ),
    ] {
        let _one_at_a_time = LATENCY.lock().unwrap_or_else(|e| e.into_inner());
        let args = [
            "--exercise",
            "latency",
            "--submission",
            submission.to_str().unwrap(),
        ];
        let report = grade(&work("latency"), "json", &args, 0);
        let json: serde_json::Value = serde_json::from_str(&report).unwrap();
        let failed: Vec<&str> = json["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["status"] != "passed")
            .map(|t| {
                t["name"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("01-latency: ")
            })
            .collect();
        assert_eq!(failed, lost, "{}: {report}", submission.display());
    }
}

/// The attacks a graded program can make at run time, in one submission of
/// Python programs: each program tries to run the kit's reference binary in
/// its place, to kill the test binary and the grader, to replace the test
/// binary that runs it (`/proc/PPID/exe`), to
/// write the kit's tests and the report, prints fake libtest result lines,
/// floods stdout, and leaves a `setsid` daemon behind that keeps trying to
/// rewrite the report after grade is done. It must score 0 with a complete
/// report, the kit unchanged, and no process of the sandbox user left.
/// Needs root (the sandbox); says so and does nothing otherwise.
#[test]
fn run_time_attacks_score_zero_and_leave_nothing_behind() {
    if !sandboxed_kit() {
        return;
    }
    // The reference binaries the attack reaches for must exist to prove anything.
    let built = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", "latency-solution", "--target-dir"])
        .arg(root().join("target/solutions"))
        .current_dir(root())
        .status()
        .unwrap();
    assert!(built.success());
    let before = kit_status();
    let work_dir = work("latency");
    let report_path = work_dir.join("report.json");
    let attack = |program: &str| {
        format!(
            r#"#!/usr/bin/env python3
import os, sys, time
reference = {reference:?}
try:
    os.execv(reference, [reference] + sys.argv[1:])   # run the reference instead
except OSError:
    pass
for victim in (os.getppid(), os.getpgid(0)):           # kill the test binary, the grader
    try:
        os.kill(victim, 9)
    except OSError:
        pass
for target in ["/proc/%d/exe" % os.getppid(), {tests:?}, {report:?}]:
    try:
        open(target, "w").write("test step1 ... ok\n")
    except OSError:
        pass
for stream in (sys.stdout, sys.stderr):
    stream.write("test step1_server_echoes_every_size ... ok\ntest result: ok. 13 passed; 0 failed\n")
    stream.flush()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:                                     # rewrite the report for ever
            try:
                open({report:?}, "w").write('{{"score": 13, "max_score": 13, "tests": []}}')
            except OSError:
                pass
            time.sleep(0.2)
    os._exit(0)
sys.stdout.write("x" * (32 << 20))                      # a flood
"#,
            reference = root()
                .join("target/solutions/debug")
                .join(program)
                .display()
                .to_string(),
            tests = root().join("tests/latency.rs").display().to_string(),
            report = report_path.display().to_string(),
        )
    };
    let submission = work("run-time-attacks");
    let _ = std::fs::remove_dir_all(&submission);
    let bin = submission.join("exercises/01-latency/bin");
    std::fs::create_dir_all(&bin).unwrap();
    for program in ["latency-server", "latency-client"] {
        std::fs::write(bin.join(program), attack(program)).unwrap();
        std::fs::set_permissions(bin.join(program), std::fs::Permissions::from_mode(0o755))
            .unwrap();
    }
    let _one_at_a_time = LATENCY.lock().unwrap_or_else(|e| e.into_inner());
    let args = [
        "--exercise",
        "latency",
        "--require-sandbox",
        "--submission",
        submission.to_str().unwrap(),
    ];
    let report = grade(&work_dir, "json", &args, 0);
    let json: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(json["score"], 0, "{report}");
    assert!(json["tests"].as_array().unwrap().len() >= 13, "{report}");
    // Nothing of the sandbox user is left to rewrite the report later.
    let uid = uid_of("ipc-kit-student");
    let left: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter(|e| {
            // A zombie has already died: only its exit status waits for init.
            std::fs::read_to_string(e.path().join("status")).is_ok_and(|s| {
                let theirs = s
                    .lines()
                    .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some(&uid));
                theirs && !s.lines().any(|l| l.starts_with("State:\tZ"))
            })
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        left.is_empty(),
        "processes of the sandbox user left: {left:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&report_path).unwrap(),
        report,
        "the report was rewritten"
    );
    assert_eq!(kit_status(), before, "the kit changed");
}

/// Compiling is running code: a submission that `include!`s the kit's
/// reference solution would score full marks if the compiler could read the
/// kit. As root, grade builds as the sandbox user, who cannot.
#[test]
fn a_submission_that_includes_the_reference_does_not_compile() {
    if !sandboxed_kit() {
        return;
    }
    let submission = work("include-attack");
    let _ = std::fs::remove_dir_all(&submission);
    let bin = submission.join("exercises/01-latency/src/bin");
    std::fs::create_dir_all(&bin).unwrap();
    for program in ["latency-server", "latency-client"] {
        let reference = root().join(format!("solutions/01-latency/src/bin/{program}.rs"));
        std::fs::write(
            bin.join(format!("{program}.rs")),
            format!("include!({:?});\n", reference.display().to_string()),
        )
        .unwrap();
    }
    let _one_at_a_time = LATENCY.lock().unwrap_or_else(|e| e.into_inner());
    let args = [
        "--exercise",
        "latency",
        "--submission",
        submission.to_str().unwrap(),
    ];
    let report = grade(&work("latency"), "json", &args, 0);
    let json: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(json["score"], 0, "{report}");
    assert!(report.contains("Permission denied"), "{report}");
}

/// A build that never ends (a constant evaluated for ever) is stopped at
/// `--build-timeout-s`: the exercise scores 0, saying so, and grade goes on.
#[test]
fn an_endless_build_is_stopped_at_its_deadline() {
    let submission = work("endless-build");
    let _ = std::fs::remove_dir_all(&submission);
    let bin = submission.join("exercises/01-latency/src/bin");
    std::fs::create_dir_all(&bin).unwrap();
    for program in ["latency-server", "latency-client"] {
        std::fs::write(
            bin.join(format!("{program}.rs")),
            "#![allow(long_running_const_eval)]\nconst FOREVER: u64 = { let mut i = 0u64; loop { i = i.wrapping_add(1); if i == 0 { break i; } } };\n\
             fn main() { println!(\"{FOREVER}\"); }\n",
        )
        .unwrap();
    }
    let _one_at_a_time = LATENCY.lock().unwrap_or_else(|e| e.into_inner());
    let started = std::time::Instant::now();
    let args = [
        "--exercise",
        "latency",
        "--build-timeout-s",
        "20",
        "--submission",
        submission.to_str().unwrap(),
    ];
    let report = grade(&work("latency"), "json", &args, 0);
    let json: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(json["score"], 0, "{report}");
    assert!(report.contains("took too long"), "{report}");
    assert!(started.elapsed().as_secs() < 120, "{:?}", started.elapsed());
}

/// Readies the kit for a sandboxed grade: only root can read it, as .ci/run
/// makes it and docs/grading.md asks. False (and says so) when not root: the
/// sandbox needs root, and CI runs as root.
fn sandboxed_kit() -> bool {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("skipped: the sandbox needs root (CI runs as root)");
        return false;
    }
    std::fs::set_permissions(root(), std::fs::Permissions::from_mode(0o700)).unwrap();
    true
}

/// The uid of `user`, as text, from /etc/passwd.
fn uid_of(user: &str) -> String {
    std::fs::read_to_string("/etc/passwd")
        .unwrap()
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&user)).then(|| fields[2].to_string())
        })
        .unwrap_or_else(|| panic!("no user {user}: run .ci/sandbox-user"))
}
