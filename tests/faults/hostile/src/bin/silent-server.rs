//! The hostile fixture `silent-server`: `hostile::listens_but_never_answers`.

fn main() {
    hostile::listens_but_never_answers()
}
