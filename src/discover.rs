//! Finding input files and decoding them into text.
//!
//! Folders are walked with the `ignore` crate (so `.gitignore`, `.ignore` and hidden files are
//! honoured, as in ripgrep). Files named explicitly are always read; files found by walking are
//! read when their extension names a prose format.

use std::path::{Path, PathBuf};

use crate::source::{DocKind, SourceFile};

/// Extensions linted when walking a folder. Explicit file arguments are linted whatever their name.
pub const PROSE_EXTENSIONS: &[&str] = &["md", "markdown", "mdown", "mkd", "txt", "text"];

/// Files larger than this are skipped with a message rather than read whole.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Why a file was not linted. Reported to the user, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// A path that could not be read at all (missing, permission): a fatal input error, exit 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

/// Everything the walk found, in a deterministic (sorted, deduplicated) order.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    pub errors: Vec<InputError>,
}

/// Walk the given paths. Directories are walked recursively; explicit files are kept as given.
pub fn discover(paths: &[PathBuf], include: &dyn Fn(&Path) -> bool) -> Discovered {
    let mut out = Discovered::default();
    let mut explicit = Vec::new();
    let mut walked = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => out.errors.push(InputError {
                path: path.display().to_string(),
                message: io_message(&e),
            }),
            Ok(meta) if meta.is_dir() => {
                let walker = ignore::WalkBuilder::new(path)
                    .require_git(false)
                    .follow_links(false)
                    .sort_by_file_path(|a, b| a.cmp(b))
                    .build();
                for entry in walker {
                    match entry {
                        Ok(entry) => {
                            let is_file = entry.file_type().is_some_and(|t| t.is_file());
                            if is_file && has_prose_extension(entry.path()) && include(entry.path())
                            {
                                walked.push(entry.into_path());
                            }
                        }
                        // A dangling link or a loop is reported by `ignore`; neither is fatal.
                        Err(err) => {
                            if let ignore::Error::WithPath { path, err } = &err {
                                if matches!(**err, ignore::Error::Io(_)) {
                                    continue;
                                }
                                let _ = path;
                            }
                        }
                    }
                }
            }
            Ok(_) => explicit.push(path.clone()),
        }
    }
    explicit.extend(walked);
    let mut seen = std::collections::HashSet::new();
    out.files = explicit
        .into_iter()
        .filter(|p| seen.insert(p.clone()))
        .collect();
    out
}

fn has_prose_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| PROSE_EXTENSIONS.iter().any(|p| p.eq_ignore_ascii_case(e)))
}

/// Outcome of reading one file.
pub enum Loaded {
    File(SourceFile),
    Skipped(Skipped),
}

/// Read and decode one file. UTF-8 is read as is (a leading BOM dropped), UTF-16 with a BOM is
/// decoded; binary files, invalid UTF-8 and oversized files are skipped with a reason.
pub fn load(path: &Path, max_bytes: u64) -> Result<Loaded, InputError> {
    let shown = display_path(path);
    let meta = std::fs::metadata(path).map_err(|e| InputError {
        path: shown.clone(),
        message: io_message(&e),
    })?;
    if meta.is_dir() {
        return Err(InputError {
            path: shown,
            message: "is a directory".into(),
        });
    }
    if meta.len() > max_bytes {
        return Ok(Loaded::Skipped(Skipped {
            path: shown,
            reason: format!(
                "file is {} bytes, larger than the {} byte limit",
                meta.len(),
                max_bytes
            ),
        }));
    }
    let bytes = std::fs::read(path).map_err(|e| InputError {
        path: shown.clone(),
        message: io_message(&e),
    })?;
    Ok(match decode(bytes) {
        Ok(text) => Loaded::File(SourceFile {
            kind: DocKind::from_path(&shown),
            path: shown,
            text,
        }),
        Err(reason) => Loaded::Skipped(Skipped {
            path: shown,
            reason,
        }),
    })
}

/// Decode file bytes into text, or say why the file is not text.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if let Some(text) = decode_utf16(&bytes) {
        return text;
    }
    // A NUL byte in ordinary text is vanishingly rare; in binary formats it is nearly certain.
    if let Some(at) = memchr::memchr(0, &bytes) {
        return Err(format!("binary file (NUL byte at offset {at})"));
    }
    // A UTF-8 byte-order mark is not text: keep it out so that columns on line 1 are right.
    // Spans are offsets into the decoded text (as for UTF-16), which then starts after it.
    let mut bytes = bytes;
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        3
    } else {
        0
    };
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (invalid byte at offset {})",
            bom + e.utf8_error().valid_up_to()
        )
    })
}

fn decode_utf16(bytes: &[u8]) -> Option<Result<String, String>> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return Some(Err("UTF-16 file with an odd number of bytes".into()));
    }
    let units = body.chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let mut out = String::with_capacity(body.len() / 2);
    for (i, ch) in char::decode_utf16(units).enumerate() {
        match ch {
            Ok(c) => out.push(c),
            Err(_) => {
                return Some(Err(format!(
                    "invalid UTF-16 (unpaired surrogate at byte offset {})",
                    2 + 2 * i
                )));
            }
        }
    }
    Some(Ok(out))
}

/// Paths are shown as given, without a leading "./" that the walker adds.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_table() {
        let cases: Vec<(Vec<u8>, Result<&str, &str>)> = vec![
            (b"plain".to_vec(), Ok("plain")),
            (b"\xEF\xBB\xBFbom".to_vec(), Ok("bom")),
            (
                b"\xEF\xBB\xBFok \xFF".to_vec(),
                Err("not valid UTF-8 (invalid byte at offset 6)"),
            ),
            (vec![0xFF, 0xFE, b'h', 0, b'i', 0], Ok("hi")),
            (vec![0xFE, 0xFF, 0, b'h', 0, b'i'], Ok("hi")),
            (
                b"ab\0cd".to_vec(),
                Err("binary file (NUL byte at offset 2)"),
            ),
            (
                b"ok \xFF bad".to_vec(),
                Err("not valid UTF-8 (invalid byte at offset 3)"),
            ),
            (
                vec![0xFF, 0xFE, b'h'],
                Err("UTF-16 file with an odd number of bytes"),
            ),
        ];
        for (bytes, want) in cases {
            let got = decode(bytes.clone());
            assert_eq!(got.as_deref().map_err(|e| e.as_str()), want, "{bytes:?}");
        }
    }

    #[test]
    fn display_path_drops_dot_slash() {
        assert_eq!(display_path(Path::new("./a/b.md")), "a/b.md");
        assert_eq!(display_path(Path::new("a/b.md")), "a/b.md");
    }
}
