//! Hostile fixture: `hostile::never_listens`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: shm-writer
//! rejected-by: step1_writer_creates_the_block_with_its_header
//! within-s: 5

fn main() {
    hostile::never_listens()
}
