//! How long each check of an exercise took the last time verify ran it, so
//! that the next run starts the longest first (see `pool.rs`).
//!
//! Kept in `target/verify-durations/NN-name`, a line per check: seconds, a
//! tab, the check's name. A check never timed (a fresh clone) gets a first
//! guess from its kind instead (`Job::first_guess`).

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use crate::kit;

fn file(exercise: &str) -> PathBuf {
    kit::target_dir().join("verify-durations").join(exercise)
}

/// The seconds each named check took last time.
pub fn load(exercise: &str) -> HashMap<String, f64> {
    let text = fs::read_to_string(file(exercise)).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let (seconds, name) = line.split_once('\t')?;
            Some((name.to_string(), seconds.parse().ok()?))
        })
        .collect()
}

/// Remembers how long each named check took; a failure to write is no
/// failure of verify's.
pub fn save(exercise: &str, took: &[(String, Duration)]) {
    let text: String = took
        .iter()
        .map(|(name, took)| format!("{:.3}\t{name}\n", took.as_secs_f64()))
        .collect();
    let path = file(exercise);
    if let Some(dir) = path.parent() {
        let _ = fs::create_dir_all(dir);
    }
    let _ = fs::write(path, text);
}
