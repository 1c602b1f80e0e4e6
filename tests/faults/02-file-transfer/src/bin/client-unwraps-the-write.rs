//! Fault: the client unwraps its writes. When the server refuses the header
//! and closes at once, the next write fails (EPIPE, or a reset) and the client
//! panics instead of reading and reporting the server's `ERR` line.
//!
//! replaces: file-client
//! rejected-by: step3_client_reports_an_err_sent_before_the_body

use std::fs::File;
use std::io::{self, BufReader, Write};
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
    let mut stream = match TcpStream::connect(&args.server) {
        Ok(stream) => stream,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(1);
        }
    };
    stream
        .write_all(format!("{name}\n{size}\n").as_bytes())
        .unwrap();
    // The mistake: a failed write is not the end of the story, the reply is.
    io::copy(&mut file, &mut stream).unwrap();
    let _ = stream.shutdown(Shutdown::Write);
    let reply = match read_line(&mut BufReader::new(&stream), MAX_LINE) {
        Ok(Line::Complete(line)) => String::from_utf8_lossy(&line).into_owned(),
        _ => String::new(),
    };
    if reply == format!("OK {size}") {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: the server answered {reply:?}");
        ExitCode::from(1)
    }
}
