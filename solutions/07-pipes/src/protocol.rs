//! The two kinds of lines on the pipes: a task (coordinator to worker) and an
//! answer (worker to coordinator).
//!
//! ```text
//! task:    <id> <seed> <samples>
//! answer:  <id> <inside> <samples>
//! ```
//!
//! Both are exactly three plain decimal numbers separated by single spaces. A
//! worker is another program, maybe written by someone else, so both sides
//! parse strictly and treat anything else as a bad line.

use std::fmt;

/// One piece of the work: `samples` points drawn from `seed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Task {
    pub id: u64,
    pub seed: u64,
    pub samples: u64,
}

impl fmt::Display for Task {
    /// The task's line, without its `\n`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.id, self.seed, self.samples)
    }
}

/// A worker's answer to task `id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub id: u64,
    pub inside: u64,
    pub samples: u64,
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.id, self.inside, self.samples)
    }
}

/// Splits `samples` into tasks of `chunk` samples (the last one smaller):
/// task `i` has id `i` and seed `seed + i`.
pub fn tasks(samples: u64, chunk: u64, seed: u64) -> Vec<Task> {
    let mut tasks = Vec::new();
    let mut left = samples;
    let mut id = 0;
    while left > 0 {
        let samples = left.min(chunk);
        tasks.push(Task {
            id,
            seed: seed.wrapping_add(id),
            samples,
        });
        left -= samples;
        id += 1;
    }
    tasks
}

/// Three plain decimal `u64`s separated by single spaces, or `None`.
/// `str::parse` alone would accept `+5`; a number here is digits only.
pub fn three_numbers(line: &str) -> Option<[u64; 3]> {
    let mut parts = line.split(' ');
    let mut numbers = [0; 3];
    for number in &mut numbers {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *number = part.parse().ok()?; // fails only above u64::MAX
    }
    match parts.next() {
        Some(_) => None,
        None => Some(numbers),
    }
}

/// A task line, or `None` if it is not one.
pub fn parse_task(line: &str) -> Option<Task> {
    let [id, seed, samples] = three_numbers(line)?;
    Some(Task { id, seed, samples })
}

/// An answer line, or `None` if it is not one.
pub fn parse_answer(line: &str) -> Option<Answer> {
    let [id, inside, samples] = three_numbers(line)?;
    Some(Answer {
        id,
        inside,
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_task_is_smaller() {
        let tasks = tasks(25, 10, u64::MAX);
        let sizes: Vec<u64> = tasks.iter().map(|t| t.samples).collect();
        assert_eq!(sizes, [10, 10, 5]);
        assert_eq!(tasks[1].seed, 0, "seeds wrap at 2^64");
    }

    #[test]
    fn numbers_are_plain_digits() {
        assert_eq!(three_numbers("1 2 3"), Some([1, 2, 3]));
        for bad in [
            "+1 2 3",
            "1  2 3",
            "1 2",
            "1 2 3 4",
            " 1 2 3",
            "1 2 3 ",
            "18446744073709551616 1 1",
        ] {
            assert_eq!(three_numbers(bad), None, "{bad:?}");
        }
    }
}
