//! Fault: the client never shows its progress, not even on a terminal: a
//! person uploading 10 GiB watches a silent prompt.
//!
//! replaces: file-client
//! rejected-by: step10_client_shows_progress_on_a_terminal

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
    let Ok(mut stream) = TcpStream::connect(&args.server) else {
        eprintln!("error: cannot connect to {}", args.server);
        return ExitCode::from(1);
    };
    let _ = stream.write_all(format!("{name}\n{size}\n").as_bytes());
    // The mistake: a plain copy, with no progress shown anywhere.
    let _ = io::copy(&mut file, &mut stream);
    let _ = stream.shutdown(Shutdown::Write);
    match read_line(&mut BufReader::new(&stream), MAX_LINE) {
        Ok(Line::Complete(line)) if line == format!("OK {size}").as_bytes() => ExitCode::SUCCESS,
        _ => {
            eprintln!("error: the server did not confirm the upload");
            ExitCode::from(1)
        }
    }
}
