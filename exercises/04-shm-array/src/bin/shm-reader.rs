//! shm-reader: waits for a published block in named shared memory, reads its
//! values as `&[f64]`, prints their mean and marks the block done. Your task
//! is in README.md, steps 3 and 4.

use clap::Parser;

/// Attaches to a block in shared memory, waits until it is published, and
/// prints the mean of its values.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The block's name: `shm_open("/NAME")`, on Linux the file /dev/shm/NAME.
    #[arg(long, value_parser = parse_name)]
    name: String,
    /// How long to wait for a published block, in milliseconds.
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
        "README step 3: attach to the block /{} and wait for state 1 (timeout {} ms)",
        args.name,
        args.timeout_ms
    );
}
