//! Exercise 04, shm-array: a float64 array in named POSIX shared memory,
//! passed from one program to another.
//!
//! - [`block`]: the block's layout, the writer's [`WriterBlock`] (created,
//!   filled, published, unlinked on drop) and the reader's [`ReaderBlock`];
//! - [`event`]: the state field as a cross-process event: a Release store, an
//!   Acquire load, and a futex to sleep on in between;
//! - [`WriterArgs`] and [`ReaderArgs`]: the command lines;
//! - [`mean`] and [`Values`]: what both programs compute and print.

pub mod block;
pub mod event;

use clap::Parser;

pub use block::{ReaderBlock, WriterBlock};

/// Creates a block of `--len` float64 values in shared memory, fills it,
/// publishes it, and waits for a reader to mark it done.
#[derive(Parser, Debug)]
#[command(version)]
pub struct WriterArgs {
    /// The block's name: `shm_open("/NAME")`, on Linux the file /dev/shm/NAME.
    #[arg(long, value_parser = parse_name)]
    pub name: String,
    /// How many float64 values to write.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub len: u64,
    /// The seed of the pseudo-random values (the same seed, the same values).
    #[arg(long)]
    pub seed: Option<u64>,
    /// How long to wait for a reader, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub timeout_ms: u64,
}

/// Attaches to a block in shared memory, waits until it is published, and
/// prints the mean of its values.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ReaderArgs {
    /// The block's name: `shm_open("/NAME")`, on Linux the file /dev/shm/NAME.
    #[arg(long, value_parser = parse_name)]
    pub name: String,
    /// How long to wait for a published block, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub timeout_ms: u64,
}

/// A block name: 1 to 200 characters of `A-Z a-z 0-9 _ . -`, not starting
/// with `.`. A `/` would make it a path, which `shm_open` refuses.
pub fn parse_name(name: &str) -> Result<String, String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_.-".contains(c);
    if name.is_empty() || name.len() > 200 {
        return Err("a name has 1 to 200 characters".into());
    }
    if name.starts_with('.') || !name.chars().all(allowed) {
        return Err("a name is made of A-Z a-z 0-9 _ . - and does not start with `.`".into());
    }
    Ok(name.to_string())
}

/// The mean as the contract defines it: summed left to right from 0.0, then
/// divided by the count. Floating-point addition is not associative, so a
/// different order (pairwise, chunked, a running mean) can print another value.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Pseudo-random values in [0, 1): splitmix64, whose whole state is one u64,
/// so that the same seed gives the same values on every machine.
pub struct Values {
    state: u64,
}

impl Values {
    pub fn from_seed(seed: u64) -> Values {
        Values { state: seed }
    }
}

impl Iterator for Values {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        // The top 53 bits, scaled by 2^-53: every value is a multiple of 2^-53
        // in [0, 1), and 1.0 itself can never come out.
        Some((z >> 11) as f64 * (1.0 / (1u64 << 53) as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_contract() {
        assert!(parse_name("demo_1.a-b").is_ok());
        assert!(parse_name(&"x".repeat(200)).is_ok());
        for bad in ["", ".hidden", "a/b", "sp ace", &"x".repeat(201)] {
            assert!(parse_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn values_are_in_0_1_and_repeat_with_the_seed() {
        let a: Vec<f64> = Values::from_seed(7).take(10_000).collect();
        let b: Vec<f64> = Values::from_seed(7).take(10_000).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|v| (0.0..1.0).contains(v)));
        assert_ne!(
            a[..10],
            Values::from_seed(8).take(10).collect::<Vec<_>>()[..]
        );
    }

    #[test]
    fn mean_sums_left_to_right() {
        // 1e16 + 1 + 1 loses both ones, left to right; a pairwise sum would not.
        assert_eq!(mean(&[1e16, 1.0, 1.0, -1e16]), 0.0);
    }
}
