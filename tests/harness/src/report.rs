//! Failure reports: what a student reads when a test fails.
//!
//! A report says which README step the test checks, what went wrong in one
//! line ("no response", "connection closed" or a wrong answer), what was sent,
//! what came back and what was expected (escaped bytes, with a caret under the
//! first difference), the program's stderr tail, and how to try it by hand.

use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

thread_local! {
    static STEP: RefCell<Option<(u32, String)>> = const { RefCell::new(None) };
    /// Set while [`Failure::raise`] panics, for the panic hook.
    static RAISING: Cell<bool> = const { Cell::new(false) };
}

/// A report is the whole story: the panic hook prints a harness failure's
/// report alone, with no "panicked at" inside the harness, no backtrace (even
/// with `RUST_BACKTRACE=1`) and no note about one. Any other panic (a
/// student's own `assert!`, a bug) goes to the hook that was there before, with
/// its location as usual.
fn quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if RAISING.with(|raising| raising.replace(false)) {
                if let Some(report) = info.payload().downcast_ref::<String>() {
                    eprintln!("{report}");
                    return;
                }
            }
            previous(info);
        }));
    });
}

/// Names the README step the current test checks; every failure report of this
/// test quotes it. Call it first thing in a test:
///
/// ```ignore
/// step(1, "the server echoes every datagram back, byte for byte");
/// ```
pub fn step(number: u32, what: &str) {
    STEP.with(|s| *s.borrow_mut() = Some((number, what.to_string())));
}

/// The step the current thread's test named, to name it again in a thread
/// the test starts (the step is kept per thread).
pub(crate) fn current_step() -> Option<(u32, String)> {
    STEP.with(|s| s.borrow().clone())
}

pub(crate) fn current_step_text() -> String {
    STEP.with(|s| match &*s.borrow() {
        Some((n, what)) => format!("README step {n}: {what}"),
        None => "(this test names no README step)".to_string(),
    })
}

/// Where a failure happened: the program under test, its stderr, and how a
/// student reproduces the exchange by hand.
#[derive(Clone, Default)]
pub struct Context {
    /// The program's command line, as the harness ran it.
    pub command: Option<String>,
    /// The program's name, for the stderr heading.
    pub name: Option<String>,
    /// The program's stderr so far (the harness keeps the last 16 KiB).
    pub stderr: Option<Arc<Mutex<Vec<u8>>>>,
    /// Lines that reproduce the exchange by hand (`cargo run …`, `nc …`).
    pub repro: Vec<String>,
    /// What the harness saw the program do that fails the test whatever else
    /// happened (a flood on stdout, the memory ceiling, a server that exited):
    /// often the real cause behind a "no response".
    pub seen: Option<crate::contain::Seen>,
    /// The program's family, for asking whether it is still busy when a
    /// wait for its answer runs out ([`crate::busy`]).
    pub(crate) family: Option<crate::contain::FamilyRef>,
}

impl Context {
    /// The last `lines` lines the program wrote to stderr (less Rust's note
    /// on how to get a backtrace, which says nothing about the mistake).
    pub fn stderr_tail(&self, lines: usize) -> Option<String> {
        let stderr = self.stderr.as_ref()?.lock().unwrap().clone();
        let text = String::from_utf8_lossy(&stderr);
        let all: Vec<&str> = text
            .lines()
            .filter(|line| !line.starts_with("note: run with `RUST_BACKTRACE=1`"))
            .collect();
        let tail = &all[all.len().saturating_sub(lines)..];
        Some(tail.join("\n"))
    }
}

/// A test failure under construction. Build it up, then [`Failure::raise`] it.
///
/// ```ignore
/// Failure::new("wrong reply")
///     .sent(&ping)
///     .got_vs_expected(&pong, &ping)
///     .context(&ctx)
///     .raise();
/// ```
#[must_use = "a Failure does nothing until it is raised"]
pub struct Failure {
    headline: String,
    fields: Vec<(String, String)>,
    context: Context,
}

impl Failure {
    /// A failure whose one-line summary is `headline`.
    pub fn new(headline: impl Into<String>) -> Self {
        Failure {
            headline: headline.into(),
            fields: Vec::new(),
            context: Context::default(),
        }
    }

    /// Adds a labelled piece of text (multi-line text is indented).
    pub fn with(mut self, label: &str, text: impl std::fmt::Display) -> Self {
        self.fields.push((label.to_string(), text.to_string()));
        self
    }

    /// Adds what the harness sent, as escaped bytes.
    pub fn sent(self, bytes: &[u8]) -> Self {
        let shown = show(bytes, 0, 96);
        self.with("sent", shown)
    }

    /// Adds what came back, as escaped bytes.
    pub fn got(self, bytes: &[u8]) -> Self {
        let shown = show(bytes, 0, 96);
        self.with("got", shown)
    }

    /// Adds what came back beside what was expected, with a caret under the
    /// first byte where they differ.
    pub fn got_vs_expected(self, got: &[u8], expected: &[u8]) -> Self {
        let diff = got
            .iter()
            .zip(expected)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(expected.len()));
        let start = diff.saturating_sub(32);
        let got_shown = show(got, start, 80);
        let expected_shown = show(expected, start, 80);
        // Both sides are the same up to `diff`, so the escaped prefix has the
        // same width on both lines: the caret lands under the first difference.
        let prefix = show_prefix(expected, start, diff);
        let caret = format!(
            "{}^ first difference at byte {diff}",
            " ".repeat(prefix.chars().count())
        );
        self.with("got", got_shown)
            .with("expected", format!("{expected_shown}\n{caret}"))
    }

    /// Attaches the program, its stderr and the repro lines.
    pub fn context(mut self, context: &Context) -> Self {
        self.context = context.clone();
        self
    }

    /// The report as text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "\n{}", current_step_text());
        let _ = writeln!(out, "  what went wrong: {}", self.headline);
        if let Some(seen) = &self.context.seen {
            for what in seen.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                if !self.headline.contains(what.as_str()) {
                    let _ = writeln!(out, "  the harness saw: {what}");
                }
            }
        }
        if let Some(command) = &self.context.command {
            let _ = writeln!(out, "  program:  {command}");
        }
        for (label, text) in &self.fields {
            let mut lines = text.lines();
            let first = lines.next().unwrap_or("");
            let _ = writeln!(out, "  {label:<9} {first}");
            for line in lines {
                let _ = writeln!(out, "  {:<9} {line}", "");
            }
        }
        if let Some(tail) = self.context.stderr_tail(20) {
            let name = self.context.name.as_deref().unwrap_or("the program");
            if tail.trim().is_empty() {
                let _ = writeln!(out, "  stderr of {name}: (nothing)");
            } else {
                let _ = writeln!(out, "  stderr of {name} (last 20 lines):");
                for line in tail.lines() {
                    let _ = writeln!(out, "    | {line}");
                }
            }
        }
        if !self.context.repro.is_empty() {
            let _ = writeln!(out, "  try it by hand:");
            for line in &self.context.repro {
                let _ = writeln!(out, "    $ {line}");
            }
        }
        out
    }

    /// Fails the test with this report (the panic's payload is the report,
    /// a `String`).
    pub fn raise(self) -> ! {
        quiet_hook();
        let report = self.render();
        RAISING.with(|raising| raising.set(true));
        std::panic::panic_any(report)
    }
}

/// Escapes bytes for a report: printable ASCII as it is, the rest as `\n`,
/// `\r`, `\t`, `\0` or `\xNN`, so that what is shown is exactly what was on the
/// wire.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0 => out.push_str("\\0"),
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out
}

/// `"…"` around `bytes[start..start + width]`, with ellipses where it was cut,
/// and the total length.
fn show(bytes: &[u8], start: usize, width: usize) -> String {
    let start = start.min(bytes.len());
    let end = (start + width).min(bytes.len());
    format!(
        "{}\"{}\"{} ({} bytes)",
        if start > 0 { "…" } else { "" },
        escape(&bytes[start..end]),
        if end < bytes.len() { "…" } else { "" },
        bytes.len()
    )
}

/// What [`show`] prints before byte `upto`, to place the caret.
fn show_prefix(bytes: &[u8], start: usize, upto: usize) -> String {
    let upto = upto.min(bytes.len());
    let start = start.min(upto);
    format!(
        "{}\"{}",
        if start > 0 { "…" } else { "" },
        escape(&bytes[start..upto])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_shows_the_bytes_on_the_wire() {
        assert_eq!(escape(b"ab\r\n\0\x7f\"\\"), "ab\\r\\n\\0\\x7f\\\"\\\\");
    }

    #[test]
    fn caret_points_at_the_first_difference() {
        step(3, "a step");
        let report = Failure::new("wrong reply")
            .got_vs_expected(b"hello\nworlD", b"hello\nworld")
            .render();
        let got = report.lines().find(|l| l.contains("got")).unwrap();
        let caret = report.lines().find(|l| l.contains('^')).unwrap();
        let column = caret.find('^').unwrap();
        assert_eq!(&got[column..column + 1], "D", "{report}");
        assert!(report.contains("README step 3: a step"), "{report}");
        assert!(report.contains("first difference at byte 10"), "{report}");
    }

    #[test]
    fn caret_on_a_long_payload_shows_the_window_around_the_difference() {
        let expected = vec![b'x'; 10_000];
        let got = vec![b'x'; 1024];
        let report = Failure::new("short reply")
            .got_vs_expected(&got, &expected)
            .render();
        assert!(report.contains("(1024 bytes)"), "{report}");
        assert!(report.contains("(10000 bytes)"), "{report}");
        assert!(report.contains("first difference at byte 1024"), "{report}");
        let caret = report.lines().find(|l| l.contains('^')).unwrap();
        let expected_line = report.lines().find(|l| l.contains("expected")).unwrap();
        // the caret sits just past the last byte the two sides share
        let column = caret.find('^').unwrap();
        assert_eq!(expected_line.chars().nth(column), Some('x'), "{report}");
    }

    #[test]
    fn stderr_tail_and_repro_are_quoted() {
        let ctx = Context {
            command: Some("server --port 0".into()),
            name: Some("server".into()),
            stderr: Some(Arc::new(Mutex::new(b"one\ntwo\n".to_vec()))),
            repro: vec!["nc -u 127.0.0.1 9".into()],
            ..Context::default()
        };
        let report = Failure::new("no response").context(&ctx).render();
        assert!(report.contains("| two"), "{report}");
        assert!(report.contains("$ nc -u 127.0.0.1 9"), "{report}");
        assert!(report.contains("program:  server --port 0"), "{report}");
    }
}
