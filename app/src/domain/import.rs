//! Reading an import (Invitations › Import): a CSV file or a pasted list. Columns: email, then
//! optionally full name and pre-approved (yes/no); a header row naming them is recognized and
//! may put them in any order; UTF-8 with or without a BOM; comma or semicolon, whichever the
//! first line uses; at most 1 MB. A file of nothing but addresses (one or several per line) is read as a
//! list of addresses, so a pasted "a@x.io, b@y.io" means two developers, not a name.
//!
//! Only the file's shape can make it malformed (an unclosed quote, too many values, an unknown
//! column, a pre-approved cell that is neither yes nor no): then the whole import is refused
//! with the line to fix. A row whose address is invalid is not malformed; the preview shows its
//! reason and the rest can still be sent. See docs/import.md.

use serde::{Deserialize, Serialize};

use super::email::Email;

/// The most rows one import may hold.
pub const MAX_IMPORT_ROWS: usize = 10_000;
/// The largest import read, in bytes: 10,000 rows of an address and a name fit, and the form
/// that carries it stays under the server's 2 MB request limit once URL-encoded.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;

/// One row of the import, as written (trimmed); nothing here is checked yet except its shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// 1-based line of the file where the row starts.
    pub line: usize,
    pub email: String,
    pub full_name: Option<String>,
    /// `None`: the portal's default (Settings › auto-approval).
    pub pre_approved: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the import is empty: give one email address per line, optionally followed by a full name and pre-approved (yes or no)")]
    Empty,
    #[error("the import is larger than 1 MB: split it into smaller files")]
    TooLarge,
    #[error("at most 10,000 rows per import: this one has {count}; split it into smaller files")]
    TooMany { count: usize },
    #[error("line {line}: {reason}")]
    Malformed { line: usize, reason: String },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Column {
    Email,
    FullName,
    PreApproved,
}

const POSITIONAL: [Column; 3] = [Column::Email, Column::FullName, Column::PreApproved];

/// Reads an import; see the module's documentation.
pub fn parse_import(text: &str) -> Result<Vec<ImportRow>, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = delimiter_of(text);
    let records = records(text, delimiter)?;
    let Some(first) = records.first() else {
        return Err(ImportError::Empty);
    };
    let (columns, body) = match header(first)? {
        Some(columns) => (columns, &records[1..]),
        None => (POSITIONAL.to_vec(), &records[..]),
    };
    // A list of addresses (several on a line, none followed by a name or a yes/no): every
    // value is one developer, as in the invite box.
    let only_addresses = body.len() == records.len()
        && !text.contains('"')
        && text.lines().all(|line| {
            line.split([';', ','])
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .skip(1)
                .all(|v| v.contains('@'))
        });
    let body: Vec<Record> = if only_addresses {
        text.lines()
            .enumerate()
            .map(|(index, line)| Record {
                line: index + 1,
                cells: line
                    .split([';', ','])
                    .map(|v| v.trim().to_owned())
                    .collect(),
            })
            .collect()
    } else {
        body.to_vec()
    };
    let body = &body[..];
    let count: usize = if only_addresses {
        body.iter()
            .map(|r| r.cells.iter().filter(|c| !c.is_empty()).count())
            .sum()
    } else {
        body.len()
    };
    if count > MAX_IMPORT_ROWS {
        return Err(ImportError::TooMany { count });
    }
    let mut rows = Vec::with_capacity(count);
    for record in body {
        if only_addresses {
            rows.extend(
                record
                    .cells
                    .iter()
                    .filter(|c| !c.is_empty())
                    .map(|c| ImportRow {
                        line: record.line,
                        email: c.clone(),
                        full_name: None,
                        pre_approved: None,
                    }),
            );
        } else {
            rows.push(row(record, &columns)?);
        }
    }
    if rows.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(rows)
}

/// `;` when the first non-empty line has more semicolons than commas, else `,`.
fn delimiter_of(text: &str) -> char {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c| first.matches(c).count();
    if count(';') > count(',') {
        ';'
    } else {
        ','
    }
}

#[derive(Clone)]
struct Record {
    line: usize,
    /// Trimmed values; a record of only empty values is dropped.
    cells: Vec<String>,
}

/// Splits the text into records per RFC 4180: values in double quotes may hold the delimiter,
/// line breaks and doubled quotes.
fn records(text: &str, delimiter: char) -> Result<Vec<Record>, ImportError> {
    let mut records = Vec::new();
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut quote_line = 0;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut finish = |cells: &mut Vec<String>, cell: &mut String, at: usize| {
        cells.push(std::mem::take(cell).trim().to_owned());
        let taken = std::mem::take(cells);
        if taken.iter().any(|c| !c.is_empty()) {
            records.push(Record {
                line: at,
                cells: taken,
            });
        }
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                other => cell.push(other),
            }
            continue;
        }
        match c {
            '"' if cell.trim().is_empty() => {
                cell.clear();
                in_quotes = true;
                quote_line = line;
            }
            c if c == delimiter => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            '\r' => {}
            '\n' => {
                finish(&mut cells, &mut cell, record_line);
                line += 1;
                record_line = line;
            }
            other => cell.push(other),
        }
    }
    if in_quotes {
        return Err(ImportError::Malformed {
            line: quote_line,
            reason: "a quoted value is not closed: add the closing \" (a \" inside a value is written twice: \"\")".into(),
        });
    }
    finish(&mut cells, &mut cell, record_line);
    Ok(records)
}

/// The columns a header row names, or `None` when the first row is data.
fn header(first: &Record) -> Result<Option<Vec<Column>>, ImportError> {
    let name = |cell: &str| -> Option<Column> {
        let key: String = cell
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        match key.as_str() {
            "email" | "emailaddress" | "mail" | "address" => Some(Column::Email),
            "name" | "fullname" | "displayname" => Some(Column::FullName),
            "preapproved" | "approved" | "autoapproved" => Some(Column::PreApproved),
            _ => None,
        }
    };
    let looks_like_header = first
        .cells
        .first()
        .is_some_and(|c| Email::parse(c).is_err() && name(c).is_some());
    if !looks_like_header {
        return Ok(None);
    }
    let mut columns = Vec::new();
    for cell in &first.cells {
        let column = name(cell).ok_or_else(|| ImportError::Malformed {
            line: first.line,
            reason: format!("the header names an unknown column {cell:?}: the columns are email, full name and pre-approved"),
        })?;
        if columns.contains(&column) {
            return Err(ImportError::Malformed {
                line: first.line,
                reason: format!("the header names the column {cell:?} twice"),
            });
        }
        columns.push(column);
    }
    if !columns.contains(&Column::Email) {
        return Err(ImportError::Malformed {
            line: first.line,
            reason: "the header has no email column".into(),
        });
    }
    Ok(Some(columns))
}

fn row(record: &Record, columns: &[Column]) -> Result<ImportRow, ImportError> {
    let extra = record.cells[columns.len().min(record.cells.len())..]
        .iter()
        .any(|c| !c.is_empty());
    if extra {
        return Err(ImportError::Malformed {
            line: record.line,
            reason: format!(
                "{} values where a row holds at most {}: an email address, then optionally a full name and pre-approved (yes or no); quote a value that contains the delimiter",
                record.cells.len(),
                columns.len()
            ),
        });
    }
    let value = |column| {
        columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| record.cells.get(i))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let pre_approved = match value(Column::PreApproved) {
        None => None,
        Some(v) => Some(parse_yes_no(&v).ok_or_else(|| ImportError::Malformed {
            line: record.line,
            reason: format!("pre-approved is {v:?}: write yes or no, or leave it empty for the portal's default"),
        })?),
    };
    Ok(ImportRow {
        line: record.line,
        email: value(Column::Email).unwrap_or_default(),
        full_name: value(Column::FullName),
        pre_approved,
    })
}

fn parse_yes_no(value: &str) -> Option<bool> {
    match value.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "ja" | "oui" | "sí" | "si" => Some(true),
        "no" | "n" | "false" | "0" | "nein" | "non" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<(usize, String, Option<String>, Option<bool>)> {
        parse_import(text)
            .unwrap()
            .into_iter()
            .map(|r| (r.line, r.email, r.full_name, r.pre_approved))
            .collect()
    }

    fn malformed(text: &str) -> (usize, String) {
        match parse_import(text) {
            Err(ImportError::Malformed { line, reason }) => (line, reason),
            other => panic!("not malformed: {other:?}"),
        }
    }

    #[test]
    fn reads_a_csv_with_a_header_a_bom_and_columns_in_any_order() {
        let text = "\u{feff}Full name,E-mail,Pre-approved\r\nAda Lovelace,ada@x.io,yes\r\n\r\n\"Hopper, Grace\",grace@y.io,no\r\n,bob@z.io,\r\n";
        assert_eq!(
            rows(text),
            [
                (
                    2,
                    "ada@x.io".into(),
                    Some("Ada Lovelace".into()),
                    Some(true)
                ),
                (
                    4,
                    "grace@y.io".into(),
                    Some("Hopper, Grace".into()),
                    Some(false)
                ),
                (5, "bob@z.io".into(), None, None),
            ]
        );
    }

    #[test]
    fn reads_semicolons_when_the_first_line_uses_them_and_columns_by_position_without_a_header() {
        let text = "ada@x.io;Lovelace, Ada;ja\nnot an address;Someone\n";
        assert_eq!(
            rows(text),
            [
                (
                    1,
                    "ada@x.io".into(),
                    Some("Lovelace, Ada".into()),
                    Some(true)
                ),
                (2, "not an address".into(), Some("Someone".into()), None),
            ]
        );
    }

    #[test]
    fn a_pasted_list_of_addresses_is_one_developer_per_address() {
        assert_eq!(
            rows("a@x.io, b@y.io\nc@z.io;d@w.io\n")
                .into_iter()
                .map(|r| (r.0, r.1))
                .collect::<Vec<_>>(),
            [
                (1, "a@x.io".into()),
                (1, "b@y.io".into()),
                (2, "c@z.io".into()),
                (2, "d@w.io".into()),
            ]
        );
    }

    #[test]
    fn a_quoted_value_may_hold_quotes_and_line_breaks_and_the_next_row_keeps_its_line() {
        let text = "email,name\na@x.io,\"The \"\"Ada\"\"\nLovelace\"\nb@y.io,Bob\n";
        let read = rows(text);
        assert_eq!(read[0].2.as_deref(), Some("The \"Ada\"\nLovelace"));
        assert_eq!((read[1].0, read[1].1.as_str()), (4, "b@y.io"));
    }

    #[test]
    fn a_malformed_file_is_refused_naming_the_line_and_what_to_fix() {
        let (line, reason) = malformed("a@x.io,Ada\nb@y.io,\"Bob\nc@z.io,Cy\n");
        assert_eq!(line, 2);
        assert!(reason.contains("not closed"), "{reason}");

        let (line, reason) = malformed("a@x.io,Ada,yes\nb@y.io,Bob,no,extra\n");
        assert_eq!(line, 2);
        assert!(
            reason.starts_with("4 values where a row holds at most 3"),
            "{reason}"
        );

        let (line, reason) = malformed("a@x.io,Ada,maybe\n");
        assert_eq!(line, 1);
        assert!(reason.contains("write yes or no"), "{reason}");

        let (line, reason) = malformed("email,company\na@x.io,ACME\n");
        assert_eq!(line, 1);
        assert!(reason.contains("unknown column \"company\""), "{reason}");

        assert_eq!(
            parse_import("a@x.io,Ada,maybe\n").unwrap_err().to_string(),
            "line 1: pre-approved is \"maybe\": write yes or no, or leave it empty for the portal's default"
        );
    }

    #[test]
    fn empty_oversized_and_too_long_imports_are_refused_as_a_whole() {
        assert_eq!(
            parse_import("\u{feff} \n\r\n").unwrap_err(),
            ImportError::Empty
        );
        assert_eq!(
            parse_import("email,name\n").unwrap_err(),
            ImportError::Empty
        );
        let at_limit: String = (0..MAX_IMPORT_ROWS)
            .map(|i| format!("d{i}@x.io\n"))
            .collect();
        assert_eq!(parse_import(&at_limit).unwrap().len(), MAX_IMPORT_ROWS);
        let over = format!("{at_limit}one@more.io\ntwo@more.io\n");
        assert_eq!(
            parse_import(&over).unwrap_err(),
            ImportError::TooMany { count: 10_002 }
        );
        let huge = "a".repeat(MAX_IMPORT_BYTES + 1);
        assert_eq!(parse_import(&huge).unwrap_err(), ImportError::TooLarge);
    }

    #[test]
    fn an_invalid_address_is_a_row_not_a_malformed_file() {
        let read = rows("email,name\nnot-an-address,Someone\n,No Address\n");
        assert_eq!(read[0].1, "not-an-address");
        assert_eq!(read[1].1, "");
    }
}
