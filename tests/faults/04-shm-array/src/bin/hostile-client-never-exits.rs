//! Hostile fixture: `hostile::never_exits`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: shm-reader
//! rejected-by: step3_reader_gives_up_without_a_writer
//! within-s: 5

fn main() {
    hostile::never_exits()
}
