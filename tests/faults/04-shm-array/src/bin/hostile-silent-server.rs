//! Hostile fixture: `hostile::listens_but_never_answers`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: shm-reader
//! rejected-by: step4_reader_prints_the_mean_and_marks_the_block_done
//! within-s: 5

fn main() {
    hostile::listens_but_never_answers()
}
