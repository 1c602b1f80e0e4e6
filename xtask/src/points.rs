//! `grading.toml`: how many points each test is worth.
//!
//! One file at the kit's root, read by `grade` (to score) and by `verify` (so a
//! weight that names no test, after a rename say, fails CI instead of silently
//! weighing nothing). Without the file, or without an exercise's section, every
//! test is worth one point.
//!
//! ```toml
//! [01-latency]
//! points = 20                                   # the exercise's total (default: the sum of its weights)
//! step7_end_to_end_10_and_10000_bytes = 3       # this test's weight (default 1)
//! ```
//!
//! A test's points are `points × weight / (sum of the exercise's weights)`,
//! rounded to hundredths; without `points`, a test's points are its weight.
//! Only this subset of TOML is read: `[section]` headers, `key = number` lines
//! and `#` comments.

use std::collections::BTreeMap;
use std::path::Path;

/// The name of the file, at the kit's root.
pub const FILE: &str = "grading.toml";

/// What the file says about one exercise.
#[derive(Debug, Default, Clone)]
pub struct ExercisePoints {
    /// The exercise's total, when the file sets one.
    pub total: Option<f64>,
    /// The tests it weighs, by name.
    pub weights: BTreeMap<String, f64>,
}

/// The whole file: one section per exercise folder (`01-latency`).
#[derive(Debug, Default)]
pub struct Points {
    pub exercises: BTreeMap<String, ExercisePoints>,
}

impl Points {
    /// Reads `grading.toml` at `root`; a missing file means the defaults.
    pub fn load(root: &Path) -> Result<Points, String> {
        match std::fs::read_to_string(root.join(FILE)) {
            Ok(text) => parse(&text).map_err(|e| format!("{FILE}: {e}")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Points::default()),
            Err(e) => Err(format!("{FILE}: {e}")),
        }
    }

    pub fn exercise(&self, dir: &str) -> ExercisePoints {
        self.exercises.get(dir).cloned().unwrap_or_default()
    }
}

impl ExercisePoints {
    /// The points of each of `tests`, in order.
    pub fn of(&self, tests: &[String]) -> Vec<f64> {
        let weights: Vec<f64> = tests
            .iter()
            .map(|t| *self.weights.get(t).unwrap_or(&1.0))
            .collect();
        let sum: f64 = weights.iter().sum();
        match self.total {
            Some(total) if sum > 0.0 => weights.iter().map(|w| round(total * w / sum)).collect(),
            _ => weights,
        }
    }

    /// The weighed tests that are not among `tests`.
    pub fn unknown<'a>(&'a self, tests: &[String]) -> Vec<&'a str> {
        self.weights
            .keys()
            .filter(|name| !tests.contains(name))
            .map(String::as_str)
            .collect()
    }
}

/// Rounds to hundredths, the precision a gradebook shows.
pub fn round(points: f64) -> f64 {
    (points * 100.0).round() / 100.0
}

fn parse(text: &str) -> Result<Points, String> {
    let mut points = Points::default();
    let mut section: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        let at = |why: &str| format!("line {}: {why}: `{}`", i + 1, raw.trim());
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim().trim_matches('"').to_string();
            points.exercises.entry(name.clone()).or_default();
            section = Some(name);
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| at("expected `name = number`"))?;
        let key = key.trim().trim_matches('"');
        let value: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| at("expected a number of points, zero or more"))?;
        let name = section
            .as_ref()
            .ok_or_else(|| at("a weight before any `[exercise]` section"))?;
        let exercise = points
            .exercises
            .get_mut(name)
            .expect("the section was entered");
        if key == "points" {
            exercise.total = Some(value);
        } else {
            exercise.weights.insert(key.to_string(), value);
        }
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_point_per_test_by_default() {
        let points = parse("# nothing here\n").unwrap();
        assert_eq!(
            points.exercise("01-latency").of(&names(&["a", "b"])),
            vec![1.0, 1.0]
        );
    }

    #[test]
    fn weights_share_the_exercise_total() {
        let points =
            parse("[01-latency]\npoints = 10 # out of ten\nb = 3\n\n[02-x]\nc = 2\n").unwrap();
        let tests = names(&["a", "b"]);
        assert_eq!(points.exercise("01-latency").of(&tests), vec![2.5, 7.5]);
        assert_eq!(
            points.exercise("02-x").of(&names(&["c", "d"])),
            vec![2.0, 1.0]
        );
        assert_eq!(
            points.exercise("01-latency").unknown(&names(&["a"])),
            vec!["b"]
        );
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        assert!(parse("a = 1\n").unwrap_err().contains("before any"));
        assert!(parse("[x]\na = lots\n").unwrap_err().contains("line 2"));
        assert!(parse("[x]\na = -1\n").is_err());
    }
}
