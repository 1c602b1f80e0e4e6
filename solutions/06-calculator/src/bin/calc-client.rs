//! calc-client: a REPL for calc-server. Reads expressions on stdin, sends
//! each to the server, prints each answer.
//!
//! It is a *session*, so an `ERR` answer is part of it, not a failure of the
//! client: it is printed as `error: …` on stdout and the session goes on. The
//! client fails (exit 1) only when it cannot talk to the server at all.

use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::net::TcpStream;
use std::process::ExitCode;

use calculator::ClientArgs;
use clap::Parser;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &ClientArgs) -> Result<(), String> {
    let stream = TcpStream::connect(&args.server)
        .map_err(|err| format!("cannot connect to {}: {err}", args.server))?;
    let lost = |err: io::Error| format!("lost the connection to {}: {err}", args.server);
    let mut answers = BufReader::new(&stream);
    let mut requests = &stream;
    // A prompt is for a person at a terminal; in a pipe it would only get
    // mixed into the answers.
    let prompt = io::stdin().is_terminal();
    let mut stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    let mut line = Vec::new();
    loop {
        if prompt {
            let _ = write!(stdout, "> ");
            let _ = stdout.flush();
        }
        line.clear();
        if stdin
            .read_until(b'\n', &mut line)
            .map_err(|err| format!("stdin: {err}"))?
            == 0
        {
            return Ok(());
        }
        let expression = line.strip_suffix(b"\n").unwrap_or(&line);
        let expression = expression.strip_suffix(b"\r").unwrap_or(expression);
        if expression.is_empty() {
            continue;
        }
        requests
            .write_all(&[expression, b"\n"].concat())
            .map_err(lost)?;
        let mut answer = Vec::new();
        if answers.read_until(b'\n', &mut answer).map_err(lost)? == 0 || !answer.ends_with(b"\n") {
            return Err(format!("{} closed the connection", args.server));
        }
        let answer = String::from_utf8_lossy(&answer);
        let answer = answer.trim_end_matches(['\n', '\r']);
        let shown = match answer.strip_prefix("ERR ") {
            Some(error) => format!("error: {error}"),
            None => answer.to_string(),
        };
        writeln!(stdout, "{shown}").map_err(|err| format!("stdout: {err}"))?;
    }
}
