//! Fault: the client prints its progress to stderr whatever stderr is. In a
//! log file or a pipe, that is a wall of `\r`-separated counters.
//!
//! replaces: file-client
//! rejected-by: step10_client_is_quiet_when_stderr_is_not_a_terminal

use std::io::{self, Write};
use std::net::Shutdown;

use file_transfer::client::{check_reply, connect, name_to_send, open, send};
use file_transfer::ClientArgs;
use indicatif::{ProgressBar, ProgressDrawTarget, TermLike};

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(upload)
}

/// The reference's `upload`, but drawing its progress on any stderr.
fn upload(args: &ClientArgs) -> Result<(String, u64), String> {
    let name = name_to_send(args)?;
    let (file, size) = open(&args.file)?;
    let mut stream = connect(&args.server)?;
    let sent = send(&mut stream, &name, file, size, &bar_on_any_stderr(size));
    if sent.is_ok() {
        let _ = stream.shutdown(Shutdown::Write);
    }
    check_reply(&stream, &name, size, sent)
}

/// The reference's progress bar, but with no `is_terminal()` check.
fn bar_on_any_stderr(size: u64) -> ProgressBar {
    // The mistake: drawn on stderr whatever it is (indicatif checks for a
    // terminal itself, so the bar draws on a target that does not).
    ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::term_like(Box::new(Stderr)))
}

/// Stderr, as if it were a terminal 80 columns wide.
#[derive(Debug)]
struct Stderr;

impl TermLike for Stderr {
    fn width(&self) -> u16 {
        80
    }
    fn move_cursor_up(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn write_line(&self, line: &str) -> io::Result<()> {
        writeln!(io::stderr(), "{line}")
    }
    fn write_str(&self, text: &str) -> io::Result<()> {
        write!(io::stderr(), "{text}")
    }
    fn clear_line(&self) -> io::Result<()> {
        write!(io::stderr(), "\r")
    }
    fn flush(&self) -> io::Result<()> {
        io::stderr().flush()
    }
}
