//! address-book: the client. With a command it sends one request, prints the
//! answer as it came, and exits (1 on `ERR`); without one it is a menu.

use std::process::ExitCode;

use address_book::client::{menu, one_shot, request_line};
use address_book::ClientArgs;
use clap::Parser;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    let result = match args.command {
        Some(command) => request_line(&command).and_then(|line| one_shot(&args.server, &line)),
        None => menu(&args.server),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::from(1)
        }
    }
}
