//! Fault: the client takes whatever `read_until` returned for an answer, so
//! the bytes before a close in the middle of an answer line (`2`, no `\n`)
//! are printed as an answer, and with stdin at its end it exits 0.
//!
//! replaces: calc-client
//! rejected-by: step7_client_exits_1_when_the_server_closes_mid_answer
//! accepted-by: step7_client_exits_1_when_the_server_closes_the_connection step7_client_prints

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::ExitCode;

use calculator::ClientArgs;
use clap::Parser;

/// The reference client's loop (stdin is a pipe in the tests: no prompt).
fn run(args: &ClientArgs) -> Result<(), String> {
    let stream = TcpStream::connect(&args.server)
        .map_err(|err| format!("cannot connect to {}: {err}", args.server))?;
    let lost = |err: io::Error| format!("lost the connection to {}: {err}", args.server);
    let mut answers = BufReader::new(&stream);
    let mut requests = &stream;
    let mut stdout = io::stdout().lock();
    for line in io::stdin().lock().split(b'\n') {
        let line = line.map_err(|err| format!("stdin: {err}"))?;
        let expression = line.strip_suffix(b"\r").unwrap_or(&line);
        if expression.is_empty() {
            continue;
        }
        requests
            .write_all(&[expression, b"\n"].concat())
            .map_err(lost)?;
        let mut answer = Vec::new();
        // The mistake: a read that returned bytes is taken for a whole line,
        // `\n` or not.
        if answers.read_until(b'\n', &mut answer).map_err(lost)? == 0 {
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
    Ok(())
}

fn main() -> ExitCode {
    match run(&ClientArgs::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}
