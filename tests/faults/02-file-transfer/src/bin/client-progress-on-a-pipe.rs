//! Fault: the client prints its progress to stderr whatever stderr is. In a
//! log file or a pipe, that is a wall of `\r`-separated counters.
//!
//! replaces: file-client
//! rejected-by: step10_client_is_quiet_when_stderr_is_not_a_terminal

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;

use clap::Parser;
use file_transfer::{read_line, ClientArgs, Line, MAX_LINE};

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    let name = args.name.clone().unwrap_or_else(|| {
        args.file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    });
    let Ok(mut file) = File::open(&args.file) else {
        eprintln!("error: cannot open {}", args.file.display());
        return ExitCode::from(1);
    };
    let size = file.metadata().unwrap().len();
    let Ok(mut stream) = TcpStream::connect(&args.server) else {
        eprintln!("error: cannot connect to {}", args.server);
        return ExitCode::from(1);
    };
    let _ = stream.write_all(format!("{name}\n{size}\n").as_bytes());
    let mut buffer = vec![0u8; 64 * 1024];
    let mut sent = 0;
    while let Ok(n @ 1..) = file.read(&mut buffer) {
        if stream.write_all(&buffer[..n]).is_err() {
            break;
        }
        sent += n;
        // The mistake: no `std::io::stderr().is_terminal()` check.
        eprint!("\rsent {sent} of {size} bytes");
    }
    eprintln!();
    let _ = stream.shutdown(Shutdown::Write);
    match read_line(&mut BufReader::new(&stream), MAX_LINE) {
        Ok(Line::Complete(line)) if line == format!("OK {size}").as_bytes() => ExitCode::SUCCESS,
        _ => {
            eprintln!("error: the server did not confirm the upload");
            ExitCode::from(1)
        }
    }
}
