//! Fault: the client reads one line per request, listings included: `LIST 3`
//! is printed and the three entries after it never are.
//!
//! replaces: address-book
//! rejected-by: step1_client_prints_a_whole_listing

use std::process::ExitCode;

use address_book::client::{request_line, Connection};
use address_book::ClientArgs;
use clap::Parser;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    let Some(command) = args.command else {
        return ExitCode::SUCCESS;
    };
    let answer = request_line(&command).and_then(|line| {
        let mut connection = Connection::open(&args.server)?;
        connection.send(&line)?;
        connection.read_line() // one line, whatever it announces
    });
    match answer {
        Ok(line) if !line.starts_with("ERR ") => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Ok(line) => {
            println!("{line}");
            eprintln!("error: {line}");
            ExitCode::from(1)
        }
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::from(1)
        }
    }
}
