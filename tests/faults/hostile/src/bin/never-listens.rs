//! The hostile fixture `never-listens`: `hostile::never_listens`.

fn main() {
    hostile::never_listens()
}
