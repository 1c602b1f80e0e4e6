//! The tests a kit's test source declares, and the README step each checks:
//! read from the source, so that an exercise that does not build still lists
//! every test it scores 0 on, and a hung test says which step it waited on.

/// One test as the kit's test sources declare it: a `#[test] fn` and the
/// README step it names with `step(N, "…")`.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    pub name: String,
    pub step: Option<String>,
}

/// The `#[test]` functions of a test source, with their steps. Used to list
/// the tests of an exercise that does not build, and to say which step a
/// hung test was checking.
pub fn declared_tests(source: &str) -> Vec<Declared> {
    let lines: Vec<&str> = source.lines().map(str::trim).collect();
    let mut tests = Vec::new();
    for (i, _) in lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("#[test]"))
    {
        let Some((j, name)) = lines.iter().enumerate().skip(i + 1).find_map(|(j, line)| {
            let rest = line
                .strip_prefix("pub fn ")
                .or_else(|| line.strip_prefix("fn "))?;
            Some((
                j,
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>(),
            ))
        }) else {
            continue;
        };
        // The body: up to the next test (rustfmt may spread `step(…)` over lines).
        let end = lines[j + 1..]
            .iter()
            .position(|l| l.starts_with("#[test]"))
            .map_or(lines.len(), |k| j + 1 + k);
        let body = lines[j + 1..end].join(" ");
        tests.push(Declared {
            name,
            step: step_call(&body),
        });
    }
    tests
}

/// `README step N: what` from the first `step(N, "what")` in `body`.
fn step_call(body: &str) -> Option<String> {
    let at = body
        .match_indices("step(")
        .map(|(at, _)| at)
        .find(|&at| !body[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.'))?;
    let rest = &body[at + "step(".len()..];
    let (number, rest) = rest.split_once(',')?;
    let number: u32 = number.trim().parse().ok()?;
    let mut what = String::new();
    let mut chars = rest.trim_start().strip_prefix('"')?.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(format!("README step {number}: {what}")),
            '\\' => match chars.next()? {
                '"' => what.push('"'),
                '\\' => what.push('\\'),
                other => what.extend(['\\', other]),
            },
            c => what.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tests_and_their_steps_from_a_source() {
        let source = r#"
fn helper() { step(9, "not a test"); }

#[test]
fn step1_echoes() {
    step(1, "the server echoes \"every\" datagram");
    let x = 1;
}

#[test]
fn step3_spread_by_rustfmt() {
    step(
        3,
        "a line is everything up to its \\n",
    );
}

#[test]
#[ignore]
fn step2_no_step_call() {
}
"#;
        assert_eq!(
            declared_tests(source),
            vec![
                Declared {
                    name: "step1_echoes".into(),
                    step: Some("README step 1: the server echoes \"every\" datagram".into()),
                },
                Declared {
                    name: "step3_spread_by_rustfmt".into(),
                    step: Some("README step 3: a line is everything up to its \\n".into()),
                },
                Declared {
                    name: "step2_no_step_call".into(),
                    step: None,
                },
            ]
        );
    }
}
