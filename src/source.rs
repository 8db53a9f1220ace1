//! A file's text and the mapping from byte offsets to lines and columns.

use std::ops::Range;

/// 1-based line and column; columns count Unicode scalar values, as the JSON contract says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line. Built once per file, only when a location is needed.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last position resolved (line, byte offset, column): findings come mostly in text
    /// order, so counting columns from there keeps a long line with many findings linear.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        // Not from a pool thread: waiting there for jobs of the same pool could wait forever.
        let starts = if bytes.len() >= PARALLEL_MIN_BYTES && rayon::current_thread_index().is_none()
        {
            starts_in_pieces(bytes, PIECE_BYTES)
        } else {
            starts_of(bytes)
        };
        LineIndex {
            starts,
            last: std::cell::Cell::new((0, 0, 1)),
        }
    }

    /// Line and column of a byte offset (clamped into the text, snapped back to a char boundary).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let mut cursor = LineCursor {
            starts: &self.starts,
            last: self.last.get(),
        };
        let at = cursor.line_col(text, offset);
        self.last.set(cursor.last);
        at
    }

    /// A reader of this index with a last position of its own, which a thread can own: the
    /// findings of a large file are placed in pieces on every core, each piece with one.
    pub fn cursor(&self) -> LineCursor<'_> {
        LineCursor {
            starts: &self.starts,
            last: (0, 0, 1),
        }
    }

    /// `fill(item, cursor)` of each of `items` into `out` (as long), in pieces of `piece` items
    /// on every core, each piece with a [`LineCursor`] of its own. Nothing is allocated on the
    /// pool: a large file's places are worked out there, its findings and claims made by the
    /// caller (allocations on pool threads stay in their malloc arenas).
    pub fn fill_in_pieces<T: Sync, P: Send>(
        &self,
        items: &[T],
        out: &mut [P],
        piece: usize,
        fill: impl Fn(&T, &mut LineCursor<'_>) -> P + Sync,
    ) {
        use rayon::prelude::*;
        let cursor = self.cursor();
        out.par_chunks_mut(piece)
            .zip(items.par_chunks(piece))
            .for_each(|(out, items)| {
                let mut cursor = cursor;
                for (at, item) in out.iter_mut().zip(items) {
                    *at = fill(item, &mut cursor);
                }
            });
    }

    /// Byte range of a 1-based line, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts[line - 1];
        let mut end = self.starts.get(line).copied().unwrap_or(text.len());
        let b = text.as_bytes();
        while end > start && (b[end - 1] == b'\n' || b[end - 1] == b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// [`LineIndex::line_col`] with the last position resolved held here, not in the index.
#[derive(Debug, Clone, Copy)]
pub struct LineCursor<'a> {
    starts: &'a [usize],
    /// The last position resolved (line, byte offset, column): findings come mostly in text
    /// order, so counting columns from there keeps a long line with many findings linear.
    last: (usize, usize, usize),
}

impl LineCursor<'_> {
    /// Line and column of a byte offset (clamped into the text, snapped back to a char boundary).
    pub fn line_col(&mut self, text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (last_line, last_offset, last_column) = self.last;
        // Most offsets are on the line of the one before (a finding's end, the next finding on
        // a long line): no search then.
        let on_last_line = self.starts[last_line] <= offset
            && self
                .starts
                .get(last_line + 1)
                .is_none_or(|&next| offset < next);
        let line = if on_last_line {
            last_line
        } else if self.starts[last_line] <= offset {
            line_from(self.starts, last_line, offset)
        } else {
            self.starts.partition_point(|&s| s <= offset).max(1) - 1
        };
        let column =
            if last_line == line && last_offset <= offset && last_offset >= self.starts[line] {
                last_column + count_chars(&text.as_bytes()[last_offset..offset])
            } else {
                count_chars(&text.as_bytes()[self.starts[line]..offset]) + 1
            };
        self.last = (line, offset, column);
        LineCol {
            line: line + 1,
            column,
        }
    }
}

/// The line of `offset`, on or after line `from` (`starts[from] <= offset`): searched in
/// steps doubling from there. The next finding or claim is mostly a few lines on, and a
/// search over the whole index read a 3 MB table at a score of places for each.
fn line_from(starts: &[usize], from: usize, offset: usize) -> usize {
    let (mut lo, mut step) = (from, 1);
    loop {
        let hi = lo + step;
        if hi >= starts.len() || starts[hi] > offset {
            // The line is in lo..hi: starts[lo] <= offset, and starts[hi] > offset if any.
            let end = hi.min(starts.len());
            return lo + starts[lo + 1..end].partition_point(|&s| s <= offset);
        }
        lo = hi;
        step *= 2;
    }
}

/// The chars of UTF-8 `s`: its bytes less its continuation bytes (`0b10xx_xxxx`). Sixteen
/// bytes at a time where SSE2 tells them apart (every x86-64 has it), skipping ASCII stretches;
/// `str::chars().count()` took 8 bytes a step, and every finding counts its column this way.
fn count_chars(s: &[u8]) -> usize {
    let mut continuations = 0;
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    let rest = {
        use std::arch::x86_64::{
            _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        let mut chunks = s.chunks_exact(16);
        for chunk in &mut chunks {
            // SAFETY: `chunk` holds sixteen bytes and the load is unaligned; the rest needs only
            // SSE2, which this build enables.
            let mask = unsafe {
                let x = _mm_loadu_si128(chunk.as_ptr().cast());
                // Signed, continuation bytes are -128..=-65: those below -64 (0xc0).
                _mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8(-64))) as u32
            };
            if mask != 0 {
                continuations += mask.count_ones() as usize;
            }
        }
        chunks.remainder()
    };
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    let rest = s;
    for &b in rest {
        continuations += usize::from(b & 0xc0 == 0x80);
    }
    s.len() - continuations
}

/// Texts at least this large have their lines found on every core (a 46 MB file's took a
/// serial 45 M instructions).
const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// Bytes per piece of [`starts_in_pieces`] then.
const PIECE_BYTES: usize = 1 << 18;

/// Where each line starts: 0, and after each line end.
fn starts_of(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    let mut i = 0;
    // A lone CR ends a line too, so old Mac files get right line numbers.
    while let Some(off) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
        let at = i + off;
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            i = at + 2;
        } else {
            i = at + 1;
        }
        starts.push(i);
    }
    starts
}

/// [`starts_of`], pieces of `piece` bytes read on every core and put together in order. A line
/// starts after an LF, or after a CR with no LF next: the byte before and the one after tell,
/// so each piece is read apart (a CRLF split between two pieces is the first one's, which
/// looks at the next piece's first byte and leaves the LF to it).
fn starts_in_pieces(bytes: &[u8], piece: usize) -> Vec<usize> {
    use rayon::prelude::*;
    let pieces: Vec<Vec<usize>> = bytes
        .par_chunks(piece)
        .enumerate()
        .map(|(k, chunk)| {
            let base = k * piece;
            memchr::memchr2_iter(b'\n', b'\r', chunk)
                .map(|off| base + off)
                .filter(|&at| bytes[at] == b'\n' || bytes.get(at + 1) != Some(&b'\n'))
                .map(|at| at + 1)
                .collect()
        })
        .collect();
    let mut starts = Vec::with_capacity(1 + pieces.iter().map(Vec::len).sum::<usize>());
    starts.push(0);
    // Each piece freed once copied: the starts are held twice at most for a moment.
    for p in pieces {
        starts.extend(p);
    }
    starts
}

/// The kind of document, chosen from the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    Markdown,
    Plain,
}

impl DocKind {
    pub fn from_path(path: &str) -> DocKind {
        let lower = path.to_ascii_lowercase();
        if [".md", ".markdown", ".mdown", ".mkd"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        {
            DocKind::Markdown
        } else {
            DocKind::Plain
        }
    }
}

/// One decoded input file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as given on the command line or as walked.
    pub path: String,
    pub text: String,
    pub kind: DocKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_and_all_line_endings() {
        let cases: &[(&str, usize, (usize, usize))] = &[
            ("abc", 0, (1, 1)),
            ("abc", 2, (1, 3)),
            ("a\nbc", 2, (2, 1)),
            ("a\r\nbc", 3, (2, 1)),
            ("a\rbc", 2, (2, 1)),
            ("é1", 2, (1, 2)),
            ("x\n\ny", 3, (3, 1)),
            ("abc", 99, (1, 4)),
        ];
        for &(text, off, (line, column)) in cases {
            let idx = LineIndex::new(text);
            assert_eq!(
                idx.line_col(text, off),
                LineCol { line, column },
                "{text:?}@{off}"
            );
        }
    }

    #[test]
    fn memoised_columns_agree_in_any_order() {
        let text = "ab\ncé d\néé";
        let idx = LineIndex::new(text);
        let fresh = |o| LineIndex::new(text).line_col(text, o);
        for o in [0, 2, 3, 6, 8, 5, 4, 9, 11, 3, 12] {
            assert_eq!(idx.line_col(text, o), fresh(o), "offset {o}");
        }
    }

    /// Line and column found char by char, the oracle of [`LineIndex::line_col`].
    fn line_col_by_scan(text: &str, offset: usize) -> LineCol {
        let mut starts = vec![0];
        let b = text.as_bytes();
        for i in 0..b.len() {
            if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        let mut at = offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let line = starts.iter().rposition(|&s| s <= at).unwrap();
        LineCol {
            line: line + 1,
            column: text[starts[line]..at].chars().count() + 1,
        }
    }

    proptest::proptest! {
        #[test]
        fn memoised_lines_and_columns_agree_with_a_fresh_index(
            text in "([aé\\n\\r]|\\r\\n){0,30}",
            offsets in proptest::collection::vec(0usize..40, 0..20),
        ) {
            let idx = LineIndex::new(&text);
            for o in offsets {
                proptest::prop_assert_eq!(idx.line_col(&text, o), line_col_by_scan(&text, o), "{:?} @{}", text, o);
            }
        }

        #[test]
        fn lines_and_columns_of_ascending_offsets_agree_with_a_scan(
            text in "([a-z ]{0,40}|é|“|\u{1f600}|\\n|\\r\\n|\\r){0,60}",
            steps in proptest::collection::vec(0usize..90, 0..30),
        ) {
            // Mostly forward, as findings come: the search steps on from the last line.
            let idx = LineIndex::new(&text);
            let mut cursor = idx.cursor();
            let mut o = 0;
            for step in steps {
                o += step;
                let want = line_col_by_scan(&text, o);
                proptest::prop_assert_eq!(idx.line_col(&text, o), want, "{:?} @{}", text, o);
                proptest::prop_assert_eq!(cursor.line_col(&text, o), want, "{:?} @{}", text, o);
            }
        }

        #[test]
        fn chars_counted_sixteen_bytes_at_a_time_equal_chars_counted(
            text in "([a-z ]|é|“|\u{1f600}|\\n){0,80}",
        ) {
            for from in 0..=text.len() {
                if text.is_char_boundary(from) {
                    let tail = &text[from..];
                    proptest::prop_assert_eq!(count_chars(tail.as_bytes()), tail.chars().count());
                }
            }
        }
    }

    #[test]
    fn chars_are_counted_across_chunk_edges() {
        let texts = [
            String::new(),
            "a".repeat(15),
            "a".repeat(16),
            "a".repeat(17),
            format!("{}é", "a".repeat(15)),
            format!("{}“x", "a".repeat(14)),
            format!("{}\u{1f600}", "a".repeat(13)),
            "é".repeat(33),
            "\u{1f600}".repeat(9),
        ];
        for t in &texts {
            assert_eq!(count_chars(t.as_bytes()), t.chars().count(), "{t:?}");
        }
    }

    #[test]
    fn lines_searched_from_a_line_equal_lines_searched_from_the_start() {
        for starts in [vec![0], vec![0, 1], vec![0, 3, 4, 9, 20, 21, 22, 40, 41]] {
            let last = *starts.last().unwrap();
            for from in 0..starts.len() {
                for offset in starts[from]..last + 3 {
                    let want = starts.partition_point(|&s| s <= offset) - 1;
                    assert_eq!(
                        line_from(&starts, from, offset),
                        want,
                        "{starts:?} {from} {offset}"
                    );
                }
            }
        }
        // Far on in a long text, and back again.
        let text = "ab\ncé\r\n\r".repeat(500);
        let idx = LineIndex::new(&text);
        for o in [0, 3, 5000, 5001, 7, 9999, text.len(), 1] {
            assert_eq!(idx.line_col(&text, o), line_col_by_scan(&text, o), "@{o}");
        }
    }

    #[test]
    fn lines_found_in_pieces_equal_lines_found_in_one_go() {
        let texts = [
            "",
            "a",
            "\n",
            "\r",
            "\r\n",
            "a\r\nb\rc\nd",
            "\r\r\n\n\r",
            "é\r\nü\r",
            "ab\r\n\r\ncd\n",
        ];
        for text in texts {
            for piece in 1..6 {
                assert_eq!(
                    starts_in_pieces(text.as_bytes(), piece),
                    starts_of(text.as_bytes()),
                    "{text:?} in pieces of {piece}"
                );
            }
        }
        // Over the threshold, `new` takes the pieces.
        let long = "ab\r\ncé\rd\n".repeat(PARALLEL_MIN_BYTES / 8);
        let idx = LineIndex::new(&long);
        assert_eq!(idx.starts, starts_of(long.as_bytes()));
    }

    proptest::proptest! {
        #[test]
        fn lines_found_in_any_pieces_equal_lines_found_in_one_go(
            text in "([aé\\n\\r]|\\r\\n){0,60}",
            piece in 1usize..9,
        ) {
            proptest::prop_assert_eq!(
                starts_in_pieces(text.as_bytes(), piece),
                starts_of(text.as_bytes())
            );
        }
    }

    #[test]
    fn line_range_strips_terminators() {
        let text = "one\r\ntwo\nthree";
        let idx = LineIndex::new(text);
        assert_eq!(&text[idx.line_range(text, 1)], "one");
        assert_eq!(&text[idx.line_range(text, 2)], "two");
        assert_eq!(&text[idx.line_range(text, 3)], "three");
        assert_eq!(idx.line_count(), 3);
    }

    #[test]
    fn kind_from_extension() {
        assert_eq!(DocKind::from_path("a/README.MD"), DocKind::Markdown);
        assert_eq!(DocKind::from_path("notes.markdown"), DocKind::Markdown);
        assert_eq!(DocKind::from_path("notes.txt"), DocKind::Plain);
        assert_eq!(DocKind::from_path("Makefile"), DocKind::Plain);
    }
}
