//! Reading and printing: libtest's reports, near misses of a name, tails.

use crate::cargo::Outcome;

/// The report libtest printed for `test` (between `---- TEST stdout ----`
/// and the next section).
pub fn report_of<'a>(output: &'a str, test: &str) -> Option<&'a str> {
    let start = output.find(&format!("---- {test} stdout ----"))?;
    let rest = &output[start..];
    let end = ["\n---- ", "\nfailures:"]
        .iter()
        .filter_map(|mark| rest[1..].find(mark))
        .min()
        .map_or(rest.len(), |i| i + 1);
    Some(&rest[..end])
}

/// The name among `names` closest to `wanted` (fewest edits), if any is
/// close enough to be a misspelling of it.
pub fn nearest<'a>(wanted: &str, names: impl Iterator<Item = &'a String>) -> Option<&'a str> {
    names
        .map(|name| (edits(wanted, name), name.as_str()))
        .filter(|(distance, _)| *distance <= wanted.len() / 3 + 1)
        .min()
        .map(|(_, name)| name)
}

/// Levenshtein distance, over bytes.
fn edits(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

pub fn describe(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::Passed) => "passed",
        Some(Outcome::Failed) => "failed",
        Some(Outcome::Ignored) => "ignored",
        None => "missing",
    }
}

pub fn print_tail(output: &str, lines: usize) {
    let all: Vec<&str> = output.lines().collect();
    for line in &all[all.len().saturating_sub(lines)..] {
        println!("       | {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_test_name_finds_its_nearest() {
        let names = [
            "step1_server_echoes".to_string(),
            "step2_client_times_out".to_string(),
        ];
        assert_eq!(
            nearest("step1_server_echoe", names.iter()),
            Some("step1_server_echoes")
        );
        assert_eq!(nearest("completely_else", names.iter()), None);
        assert_eq!(edits("kitten", "sitting"), 3);
    }

    #[test]
    fn a_report_is_cut_at_the_next_section() {
        let output =
            "---- step1_a stdout ----\nboom\n\n---- step2_b stdout ----\nbang\n\nfailures:\n";
        assert_eq!(
            report_of(output, "step1_a"),
            Some("---- step1_a stdout ----\nboom\n")
        );
        assert_eq!(
            report_of(output, "step2_b"),
            Some("---- step2_b stdout ----\nbang\n")
        );
    }
}
