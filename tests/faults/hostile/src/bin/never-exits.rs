//! The hostile fixture `never-exits`: `hostile::never_exits`.

fn main() {
    hostile::never_exits()
}
