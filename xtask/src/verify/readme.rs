//! What the README and the docs say, against the tests that exist: a hint for
//! every step, every `stepN_` test calling `step(N, …)`, the traceability
//! table naming real tests.

use std::collections::BTreeSet;
use std::fs;

use super::Tally;
use crate::kit::{self, Exercise};

/// The table of rules, tests and faults, in the kit's docs.
const TRACEABILITY: &str = "docs/traceability.md";

/// Every step of the README has a hint; returns the steps.
pub fn check_hints(exercise: &Exercise, tally: &mut Tally) -> BTreeSet<u32> {
    let steps: BTreeSet<u32> = exercise.steps().into_iter().collect();
    let hints: BTreeSet<u32> = exercise.hints().into_iter().collect();
    let missing: Vec<_> = steps.difference(&hints).collect();
    tally.check(
        !steps.is_empty() && missing.is_empty(),
        format!(
            "README: {} steps, a hint for each in the `## Hints` section{}",
            steps.len(),
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (none for steps {missing:?})")
            }
        ),
    );
    steps
}

/// Whether `test` is named `stepN_…` after a step of the README.
pub fn named_after_a_step(test: &str, steps: &BTreeSet<u32>) -> bool {
    test.starts_with("step")
        && test[4..]
            .split('_')
            .next()
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| steps.contains(&n))
}

/// The traceability table names tests that exist, and each `stepN_` test of
/// the exercise's test files calls `step(N, …)`.
pub fn check_tests_named(exercise: &Exercise, names: &BTreeSet<&str>, tally: &mut Tally) {
    let traced = traced_tests(&exercise.dir);
    if !traced.is_empty() {
        let unknown: Vec<&String> = traced
            .iter()
            .filter(|t| !names.contains(t.as_str()))
            .collect();
        tally.check(
            unknown.is_empty(),
            format!(
                "{TRACEABILITY}: the {} tests it names exist{}",
                traced.len(),
                if unknown.is_empty() {
                    String::new()
                } else {
                    format!(" (not found: {unknown:?})")
                }
            ),
        );
    }
    for target in &exercise.tests {
        let path = kit::root().join("tests").join(format!("{target}.rs"));
        let source = fs::read_to_string(&path).unwrap_or_default();
        let wrong = steps_not_named(&source);
        tally.check(
            wrong.is_empty(),
            format!(
                "tests/{target}.rs: every stepN_ test calls step(N, …){}",
                if wrong.is_empty() {
                    String::new()
                } else {
                    format!(" (not: {wrong:?})")
                }
            ),
        );
    }
}

/// The tests that [`TRACEABILITY`] names for the exercise in folder `dir`:
/// the backquoted names in the second column of its section's table.
fn traced_tests(dir: &str) -> Vec<String> {
    let text = fs::read_to_string(kit::root().join(TRACEABILITY)).unwrap_or_default();
    let heading = format!("## {dir}");
    let mut tests = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("## ") {
            inside = line.trim() == heading;
            continue;
        }
        let cells: Vec<&str> = line.split('|').collect();
        if !inside || cells.len() < 4 || cells[1].trim() == "rule (README)" {
            continue;
        }
        tests.extend(
            cells[2]
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|name| !name.starts_with('-'))
                .map(str::to_string),
        );
    }
    tests
}

/// The `stepN_…` test functions in `source` whose body does not start by
/// calling `step(N, …)`.
fn steps_not_named(source: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("fn step") {
        let after = &rest[at + 3..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let number: String = name[4..].chars().take_while(char::is_ascii_digit).collect();
        rest = &after[name.len()..];
        if number.is_empty() || !name[4 + number.len()..].starts_with('_') {
            continue; // `fn step(…)` itself, or another helper
        }
        // The body up to the next function.
        let body = &rest[..rest.find("\nfn ").unwrap_or(rest.len())];
        let called = body.find("step(").is_some_and(|i| {
            body[i + 5..]
                .trim_start()
                .strip_prefix(number.as_str())
                .is_some_and(|r| r.trim_start().starts_with(','))
        });
        if !called {
            wrong.push(name);
        }
    }
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_test_must_name_its_step() {
        let source = "fn step1_good() {\n    step(\n        1,\n        \"x\",\n    );\n}\n\
                      fn step2_wrong() {\n    step(3, \"y\");\n}\nfn step(n: u32) {}\n\
                      fn step3_none() {\n    let x = 1;\n}\n";
        assert_eq!(steps_not_named(source), vec!["step2_wrong", "step3_none"]);
    }
}
