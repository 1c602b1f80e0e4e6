//! shm-writer: creates a block of float64 values in named shared memory,
//! fills it, publishes it, and waits for a reader to mark it done. Your task
//! is in README.md, steps 1, 2 and 5.

use clap::Parser;

/// Creates a block of `--len` float64 values in shared memory, fills it,
/// publishes it, and waits for a reader to mark it done.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The block's name: `shm_open("/NAME")`, on Linux the file /dev/shm/NAME.
    #[arg(long, value_parser = parse_name)]
    name: String,
    /// How many float64 values to write.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    len: u64,
    /// The seed of the pseudo-random values (the same seed, the same values).
    #[arg(long)]
    seed: Option<u64>,
    /// How long to wait for a reader, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
}

/// A block name: 1 to 200 characters of `A-Z a-z 0-9 _ . -`, not starting
/// with `.` (already done for you).
fn parse_name(name: &str) -> Result<String, String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_.-".contains(c);
    if name.is_empty() || name.len() > 200 || name.starts_with('.') || !name.chars().all(allowed) {
        return Err(
            "a name has 1 to 200 characters of A-Z a-z 0-9 _ . -, not starting with `.`".into(),
        );
    }
    Ok(name.to_string())
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 1: create the block /{} for {} values (seed {:?}, timeout {} ms)",
        args.name,
        args.len,
        args.seed,
        args.timeout_ms
    );
}
