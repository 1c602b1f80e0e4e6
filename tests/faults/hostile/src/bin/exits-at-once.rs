//! The hostile fixture `exits-at-once`: `hostile::exits_at_once`.

fn main() {
    hostile::exits_at_once()
}
