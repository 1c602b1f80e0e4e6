//! Reading what cargo and libtest print: cargo's JSON build messages, and
//! libtest's plain output (its JSON output is nightly-only).

use std::path::PathBuf;

/// The executables (target name, path) cargo built, test binaries when
/// `tests` and programs otherwise, and the errors it gave: the compiler's,
/// then cargo's own (a dependency that does not resolve, …).
pub fn read_build(stdout: &str, stderr: &str, tests: bool) -> (Vec<(String, PathBuf)>, String) {
    let mut binaries = Vec::new();
    let mut errors = String::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-artifact") if message["profile"]["test"] == tests => {
                if let (Some(name), Some(path)) = (
                    message["target"]["name"].as_str(),
                    message["executable"].as_str(),
                ) {
                    binaries.push((name.to_string(), PathBuf::from(path)));
                }
            }
            Some("compiler-message")
                if message["message"]["level"]
                    .as_str()
                    .is_some_and(|l| l.starts_with("error")) =>
            {
                errors.push_str(message["message"]["rendered"].as_str().unwrap_or_default());
            }
            _ => {}
        }
    }
    const PROGRESS: [&str; 12] = [
        "Compiling",
        "Checking",
        "Finished",
        "Blocking",
        "Updating",
        "Locking",
        "Downloaded",
        "Downloading",
        "Adding",
        "Fresh",
        "Executable",
        "Removing",
    ];
    for line in stderr.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if !PROGRESS.contains(&first) && !line.starts_with("warning: build failed") {
            errors.push_str(line);
            errors.push('\n');
        }
    }
    (binaries, errors.trim_end().to_string())
}

/// The failure's transcript from libtest's output: what the test printed and
/// its panic message, between `---- NAME stdout ----` and `failures:`.
pub fn failure_of(output: &str, test: &str) -> String {
    let header = format!("---- {test} stdout ----\n");
    let Some((_, rest)) = output.split_once(&header) else {
        return without_thread_ids(output.trim());
    };
    let body = rest.split("\nfailures:\n").next().unwrap_or(rest);
    without_thread_ids(body.trim())
}

/// `thread 'step1_x' (12345) panicked` as `thread 'step1_x' panicked`: the
/// thread's id changes from run to run, and says nothing to a student.
pub fn without_thread_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("' (") {
        let (before, after) = rest.split_at(at + 1);
        out.push_str(before);
        let digits = after[2..].chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[2 + digits..].starts_with(") panicked") {
            rest = &after[2 + digits + 1..];
        } else {
            rest = after;
            out.push_str(&rest[..1]);
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The test names in `<binary> --list --format terse` output.
pub fn listed(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_failure_out_of_libtest_output() {
        let output = "\nrunning 1 test\ntest step1_a ... FAILED\n\nfailures:\n\n---- step1_a stdout ----\n\
                      thread 'step1_a' panicked at tests/x.rs:3:5:\nwrong answer\n\n\nfailures:\n    step1_a\n\n\
                      test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        assert_eq!(
            failure_of(output, "step1_a"),
            "thread 'step1_a' panicked at tests/x.rs:3:5:\nwrong answer"
        );
    }

    #[test]
    fn panic_messages_lose_their_thread_ids() {
        assert_eq!(
            without_thread_ids("thread 'step1_a' (31583) panicked at x.rs:1:1:\nsaid 'a' (1) ok"),
            "thread 'step1_a' panicked at x.rs:1:1:\nsaid 'a' (1) ok"
        );
    }

    #[test]
    fn finds_test_binaries_and_errors_in_cargo_messages() {
        let stdout = r#"{"reason":"compiler-message","message":{"level":"warning","rendered":"warning: unused\n"}}
{"reason":"compiler-message","message":{"level":"error","rendered":"error: expected `;`\n"}}
{"reason":"compiler-artifact","target":{"name":"latency","kind":["test"]},"profile":{"test":true},"executable":"/t/latency-1"}
{"reason":"compiler-artifact","target":{"name":"latency-server","kind":["bin"]},"profile":{"test":false},"executable":"/t/s"}
"#;
        let stderr = "   Compiling latency v0.1.0\nerror: could not compile `latency`\n";
        let (binaries, errors) = read_build(stdout, stderr, true);
        assert_eq!(
            binaries,
            vec![("latency".to_string(), PathBuf::from("/t/latency-1"))]
        );
        assert_eq!(
            errors,
            "error: expected `;`\nerror: could not compile `latency`"
        );
        let (programs, _) = read_build(stdout, stderr, false);
        assert_eq!(
            programs,
            vec![("latency-server".to_string(), PathBuf::from("/t/s"))]
        );
    }
}
