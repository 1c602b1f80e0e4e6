//! `cargo xtask list`: the exercises and how far the student has got.
//!
//! The table of names and concepts prints at once; the tests-passing column
//! follows as each exercise's tests finish (building them takes a while, and a
//! silent terminal looks hung). It ends with the one command to run next.

use std::io::Write;

use crate::{hint, kit};

/// `cargo xtask list`.
pub fn run() -> Result<bool, String> {
    let exercises = kit::exercises()?;
    println!("{:<18} {:<14} concepts", "exercise", "crate");
    for exercise in &exercises {
        let concepts = truncate(&exercise.concepts(), 80);
        println!("{:<18} {:<14} {concepts}", exercise.dir, exercise.package);
    }
    println!("\ntests passing:");
    let tty = unsafe { libc::isatty(1) == 1 };
    let mut next = None;
    for exercise in &exercises {
        if tty {
            print!("\r\x1b[Ktesting {}…", exercise.dir);
            let _ = std::io::stdout().flush();
        }
        let run = hint::test(exercise)?;
        let (passed, total) = (run.passed().len(), run.results.len());
        let passing = match total {
            0 => "does not build yet".to_string(), // no test ran
            _ => format!("{passed}/{total}"),
        };
        if tty {
            print!("\r\x1b[K");
        }
        println!("{:<18} {passing}", exercise.dir);
        if next.is_none() && (total == 0 || passed < total) {
            next = Some(exercise.dir.clone());
        }
    }
    match next {
        Some(dir) => println!("\nnext: cargo xtask watch {dir}"),
        None => println!("\nall exercises pass: compare yours with solutions/"),
    }
    Ok(true)
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(width - 1).collect::<String>())
    }
}
