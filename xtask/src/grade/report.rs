//! The grading report, and its three forms: Gradescope JSON, JUnit XML, text.
//!
//! Nothing in a report depends on timing (no durations, no dates), so the same
//! submission graded twice gives the same report, and tests compare reports
//! whole.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::points::round;

/// At most this many bytes of one test's output go in a report.
const OUTPUT_LIMIT: usize = 8 * 1024;

#[derive(Debug, Default)]
pub struct Report {
    pub exercises: Vec<ExerciseReport>,
    /// Said once at the top (interrupted, exercises left to grade, …).
    pub notes: Vec<String>,
    /// How the programs were sandboxed (`sandbox: …`), and any gap.
    pub sandbox: String,
}

#[derive(Debug)]
pub struct ExerciseReport {
    /// The folder name, `01-latency`.
    pub dir: String,
    /// What happened to the exercise as a whole, when something did (it does
    /// not compile, it ran out of time); its tests repeat it.
    pub note: Option<String>,
    pub tests: Vec<TestReport>,
}

#[derive(Debug)]
pub struct TestReport {
    pub name: String,
    pub max_score: f64,
    pub passed: bool,
    /// Why it failed (a failure's transcript, the compiler's errors, …); empty
    /// when it passed.
    pub output: String,
}

impl TestReport {
    pub fn score(&self) -> f64 {
        if self.passed {
            self.max_score
        } else {
            0.0
        }
    }
}

impl ExerciseReport {
    pub fn score(&self) -> f64 {
        round(self.tests.iter().map(TestReport::score).sum())
    }

    pub fn max_score(&self) -> f64 {
        round(self.tests.iter().map(|t| t.max_score).sum())
    }

    fn failures(&self) -> usize {
        self.tests.iter().filter(|t| !t.passed).count()
    }
}

impl Report {
    pub fn score(&self) -> f64 {
        round(self.exercises.iter().map(ExerciseReport::score).sum())
    }

    pub fn max_score(&self) -> f64 {
        round(self.exercises.iter().map(ExerciseReport::max_score).sum())
    }

    /// Whether every test graded passed.
    pub fn all_passed(&self) -> bool {
        self.notes.is_empty()
            && self
                .exercises
                .iter()
                .all(|e| e.failures() == 0 && !e.tests.is_empty())
    }

    /// The summary: a line per exercise, then the notes.
    fn summary(&self) -> String {
        let mut text = format!(
            "ipc-kit: {} of {} points\n",
            points(self.score()),
            points(self.max_score())
        );
        if !self.sandbox.is_empty() {
            let _ = writeln!(text, "{}", self.sandbox);
        }
        for exercise in &self.exercises {
            let _ = write!(
                text,
                "{:<20} {:>7} / {:<7} {} of {} tests passed",
                exercise.dir,
                points(exercise.score()),
                points(exercise.max_score()),
                exercise.tests.len() - exercise.failures(),
                exercise.tests.len()
            );
            if let Some(note) = &exercise.note {
                let _ = write!(text, " ({})", first_line(note));
            }
            text.push('\n');
        }
        for note in &self.notes {
            let _ = writeln!(text, "{note}");
        }
        text
    }

    /// The Gradescope autograder `results.json`.
    pub fn json(&self) -> String {
        let tests: Vec<Value> = self
            .exercises
            .iter()
            .flat_map(|exercise| {
                exercise.tests.iter().map(move |test| {
                    json!({
                        "name": format!("{}: {}", exercise.dir, test.name),
                        "score": number(test.score()),
                        "max_score": number(test.max_score),
                        "status": if test.passed { "passed" } else { "failed" },
                        "output": trim(&test.output),
                        "visibility": "visible",
                    })
                })
            })
            .collect();
        let report = json!({
            "score": number(self.score()),
            "max_score": number(self.max_score()),
            "output": self.summary(),
            "visibility": "visible",
            "tests": tests,
        });
        let mut text = serde_json::to_string_pretty(&report).expect("a report is JSON");
        text.push('\n');
        text
    }

    /// JUnit XML, one test suite per exercise.
    pub fn junit(&self) -> String {
        let tests: usize = self.exercises.iter().map(|e| e.tests.len()).sum();
        let failures: usize = self.exercises.iter().map(ExerciseReport::failures).sum();
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            xml,
            "<testsuites name=\"ipc-kit\" tests=\"{tests}\" failures=\"{failures}\">"
        );
        for line in self.sandbox.lines() {
            let _ = writeln!(xml, "  <!-- {} -->", line.replace("--", "- -"));
        }
        for exercise in &self.exercises {
            let _ = writeln!(
                xml,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
                escape(&exercise.dir),
                exercise.tests.len(),
                exercise.failures()
            );
            let _ = writeln!(
                xml,
                "    <properties>\n      <property name=\"score\" value=\"{}\"/>\n      \
                 <property name=\"max_score\" value=\"{}\"/>\n    </properties>",
                points(exercise.score()),
                points(exercise.max_score())
            );
            for test in &exercise.tests {
                let open = format!(
                    "    <testcase classname=\"{}\" name=\"{}\"",
                    escape(&exercise.dir),
                    escape(&test.name)
                );
                if test.passed {
                    let _ = writeln!(xml, "{open}/>");
                } else {
                    let _ = writeln!(
                        xml,
                        "{open}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        escape(reason(&test.output)),
                        escape(&trim(&test.output))
                    );
                }
            }
            xml.push_str("  </testsuite>\n");
        }
        xml.push_str("</testsuites>\n");
        xml
    }

    /// A table for a person at a terminal: a row per test with the first line
    /// of why it failed.
    pub fn text(&self) -> String {
        let mut text = String::new();
        let width = self
            .exercises
            .iter()
            .flat_map(|e| &e.tests)
            .map(|t| t.name.len())
            .max()
            .unwrap_or(0);
        for exercise in &self.exercises {
            let _ = writeln!(
                text,
                "{}  {} / {} points",
                exercise.dir,
                points(exercise.score()),
                points(exercise.max_score())
            );
            if let Some(note) = &exercise.note {
                for line in trim(note).lines() {
                    let _ = writeln!(text, "  | {line}");
                }
            }
            for test in &exercise.tests {
                let verdict = if test.passed { "ok  " } else { "FAIL" };
                let score = format!("{}/{}", points(test.score()), points(test.max_score));
                let _ = write!(text, "  {verdict} {:<width$} {score:>7}", test.name);
                // Why, unless the exercise's note above already says it.
                let why = reason(&test.output);
                if !test.passed && exercise.note.as_deref().map(first_line) != Some(why) {
                    let _ = write!(text, "  {}", clip(why, 100));
                }
                text.push('\n');
            }
            text.push('\n');
        }
        text.push_str(&self.summary());
        text
    }
}

/// Points as a person writes them: `3`, `2.5`.
fn points(value: f64) -> String {
    number(value).to_string()
}

/// A whole number of points as an integer, so that reports read `"score": 3`.
fn number(value: f64) -> Value {
    let value = round(value);
    if value.fract() == 0.0 && value.abs() < 1e12 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

fn first_line(text: &str) -> &str {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

/// A failure in one line: the harness's `what went wrong:`, else the first
/// line that is more than libtest's `thread '…' panicked at …`.
fn reason(output: &str) -> &str {
    let lines = || output.lines().map(str::trim).filter(|l| !l.is_empty());
    lines()
        .find_map(|line| line.strip_prefix("what went wrong:"))
        .or_else(|| lines().find(|line| !line.starts_with("thread '")))
        .map(str::trim)
        .unwrap_or_else(|| first_line(output))
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(width - 1).collect::<String>())
    }
}

/// Keeps a long output readable: its beginning (what failed) and its end
/// (the stderr tail), with the cut said where it is.
pub fn trim(output: &str) -> String {
    let output = output.trim_end();
    if output.len() <= OUTPUT_LIMIT {
        return output.to_string();
    }
    let head = floor(output, OUTPUT_LIMIT * 3 / 4);
    let tail = ceil(output, output.len() - OUTPUT_LIMIT / 4);
    format!(
        "{}\n[… {} bytes cut …]\n{}",
        &output[..head],
        tail - head,
        &output[tail..]
    )
}

fn floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Escapes text for an XML attribute or element; drops the control
/// characters XML 1.0 cannot hold.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('�'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b> & \"c\" 'd'\u{1b}[0m"),
            "a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;�[0m"
        );
    }

    #[test]
    fn long_outputs_keep_their_beginning_and_end() {
        let long = format!("first line\n{}\nlast line", "é".repeat(OUTPUT_LIMIT));
        let trimmed = trim(&long);
        assert!(trimmed.len() < OUTPUT_LIMIT + 100, "{}", trimmed.len());
        assert!(trimmed.starts_with("first line\n") && trimmed.ends_with("\nlast line"));
        assert!(trimmed.contains("bytes cut"));
    }

    #[test]
    fn a_failure_in_one_line() {
        let harness = "thread 'step1_a' panicked at x.rs:1:2:\n\nREADME step 1: echo\n  what went wrong: no response\n";
        assert_eq!(reason(harness), "no response");
        assert_eq!(
            reason("thread 't' panicked at x.rs:1:2:\nassertion failed: ok\n"),
            "assertion failed: ok"
        );
        assert_eq!(
            reason("does not compile: …\n\nerror: …"),
            "does not compile: …"
        );
    }

    #[test]
    fn whole_points_are_integers() {
        assert_eq!(number(3.0), json!(3));
        assert_eq!(number(2.5), json!(2.5));
        assert_eq!(number(1.0 / 3.0), json!(0.33));
    }
}
