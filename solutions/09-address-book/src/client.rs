//! The client's side: the request line of a command, a connection with a
//! deadline on every read and write, and the answer's lines (one, or a whole
//! listing: `LIST N` and the N lines after it, which may take many reads).

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::Command;

/// The request line of a command. A name holding `,` or `:`, or an entry
/// holding a line end, would be read as another request: refused here.
pub fn request_line(command: &Command) -> Result<String, String> {
    let name_ok = |name: &str| !name.contains([',', ':', '\n', '\r']);
    let (line, name) = match command {
        Command::Add { name, entry } => {
            let entry = entry.join(" ");
            if entry.contains(['\n', '\r']) {
                return Err("an entry is one line".into());
            }
            (format!("add:{name},{entry}"), name)
        }
        Command::Find { name } => (format!("fnd:{name}"), name),
        Command::Remove { name } => (format!("rem:{name}"), name),
        Command::List => return Ok("lst:".into()),
    };
    if name_ok(name) {
        Ok(line)
    } else {
        Err(format!("invalid name {name:?}: no `,`, `:` or line end"))
    }
}

/// A connection to the server, with a deadline on every read and write.
pub struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    server: String,
}

impl Connection {
    /// Connects, with a 10 s deadline on every read and write.
    pub fn open(server: &str) -> Result<Connection, String> {
        let stream = TcpStream::connect(server)
            .map_err(|err| format!("cannot connect to {server}: {err}"))?;
        let timeout = Some(Duration::from_secs(10));
        let configured = stream
            .set_read_timeout(timeout)
            .and_then(|()| stream.set_write_timeout(timeout));
        configured.map_err(|err| err.to_string())?;
        let writer = stream.try_clone().map_err(|err| err.to_string())?;
        Ok(Connection {
            reader: BufReader::new(stream),
            writer,
            server: server.to_string(),
        })
    }

    /// Sends one request and returns its answer's lines: one, or for `LIST N`
    /// the N that follow it too.
    pub fn ask(&mut self, line: &str) -> Result<Vec<String>, String> {
        self.send(line)?;
        let first = self.read_line()?;
        let mut lines = vec![first.clone()];
        if let Some(count) = first.strip_prefix("LIST ") {
            let count: usize = count
                .parse()
                .map_err(|_| format!("the server sent a bad listing head: {first}"))?;
            for _ in 0..count {
                lines.push(self.read_line()?);
            }
        }
        Ok(lines)
    }

    /// Sends one request line.
    pub fn send(&mut self, line: &str) -> Result<(), String> {
        writeln!(self.writer, "{line}").map_err(|err| format!("cannot send: {err}"))
    }

    /// One answer line, without its line end.
    pub fn read_line(&mut self) -> Result<String, String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => Err(format!("{} closed the connection", self.server)),
            Ok(_) => Ok(line.trim_end_matches(['\n', '\r']).to_string()),
            Err(err) => Err(format!("no answer from {}: {err}", self.server)),
        }
    }
}

/// Sends one request and prints its answer's lines; an `ERR` answer is the
/// error (its line printed too).
pub fn one_shot(server: &str, line: &str) -> Result<(), String> {
    let lines = Connection::open(server)?.ask(line)?;
    for line in &lines {
        println!("{line}");
    }
    match lines[0].strip_prefix("ERR ") {
        Some(error) => Err(error.to_string()),
        None => Ok(()),
    }
}

/// The lecture's menu, for people (not tested).
pub fn menu(server: &str) -> Result<(), String> {
    let mut connection = Connection::open(server)?;
    let stdin = io::stdin();
    let mut input = stdin.lock().lines();
    let mut ask = |prompt: &str| -> Option<String> {
        print!("{prompt}");
        io::stdout().flush().ok();
        input.next()?.ok()
    };
    loop {
        let Some(choice) = ask("\n1) add  2) remove  3) find  4) list  5) quit\n> ") else {
            return Ok(());
        };
        let command = match choice.trim() {
            "1" => {
                let name = ask("name: ").unwrap_or_default();
                let entry = ask("entry: ").unwrap_or_default();
                Command::Add {
                    name,
                    entry: vec![entry],
                }
            }
            "2" => Command::Remove {
                name: ask("name: ").unwrap_or_default(),
            },
            "3" => Command::Find {
                name: ask("name: ").unwrap_or_default(),
            },
            "4" => Command::List,
            "5" | "q" => return Ok(()),
            _ => continue,
        };
        match request_line(&command) {
            Ok(line) => {
                for answer in connection.ask(&line)? {
                    println!("{answer}");
                }
            }
            Err(why) => println!("error: {why}"),
        }
    }
}
