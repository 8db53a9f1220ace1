//! The claim index: every comparable claim of the corpus, kept until the corpus rules run.
//!
//! A corpus of a gigabyte states about a million comparable figures. As [`Claim`] values they
//! took about 160 bytes each, most of the memory of a whole run; here each is written as a
//! compact record (variable-length integers, the file and the key as numbers into shared
//! tables, no padding), about a third of that. Records are kept apart by measure, because
//! corpus rules only ever compare claims of one measure: a rule decodes one measure's claims
//! at a time per core ([`ClaimIndex::map_measures`]), so the decoded claims of the whole corpus
//! are never in memory at once.

use std::mem::MaybeUninit;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::claims::{Claim, ClaimKey, ClaimLineCol, ClaimSource, ClaimSpan, MaybeF64, SourceKind};
use crate::extract::numbers::NumberKind;

/// Comparable claims of every file, in arrival (discovery) order within each measure.
#[derive(Default)]
pub struct ClaimIndex {
    /// Paths of the files claims came from; a record holds the position here.
    paths: Vec<Arc<String>>,
    /// Keys by the address of their shared copy (keys are interned, see
    /// [`crate::claims::intern_key`]); `keys` keeps each one alive, so addresses stay unique.
    path_ids: FxHashMap<usize, u32>,
    keys: Vec<Arc<ClaimKey>>,
    key_ids: FxHashMap<usize, u32>,
    /// For each key, its measure's partition.
    partition_of_key: Vec<u32>,
    /// Partitions in the order their measure first appeared.
    partitions: Vec<Partition>,
    partition_of_measure: FxHashMap<Option<String>, u32>,
    len: u32,
    /// The record being written, before it goes to its block.
    scratch: Vec<u8>,
}

/// Records are written into blocks of this size, never regrown: a vector doubling as a
/// measure's records arrive leaves up to half its room unused, and each regrowth a hole in
/// the heap.
const BLOCK: usize = 64 << 10;

#[derive(Default)]
struct Partition {
    /// Whole records, each within one block.
    blocks: Vec<Vec<u8>>,
    /// For each block, how many records it holds and the arrival number before its first.
    heads: Vec<BlockHead>,
    count: u32,
    /// Arrival number of the last claim written, from which the next one's is a difference.
    last_seq: u32,
}

struct BlockHead {
    count: u32,
    before: u32,
}

impl ClaimIndex {
    pub fn new() -> ClaimIndex {
        ClaimIndex::default()
    }

    /// How many claims the index holds.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes the records take (tables and slack aside).
    pub fn record_bytes(&self) -> usize {
        self.partitions
            .iter()
            .flat_map(|p| &p.blocks)
            .map(Vec::len)
            .sum()
    }

    /// Add claims after every claim added so far.
    pub fn extend(&mut self, claims: impl IntoIterator<Item = Claim>) {
        for c in claims {
            self.push(&c);
        }
    }

    fn push(&mut self, c: &Claim) {
        let file = intern(&mut self.paths, &mut self.path_ids, &c.path);
        let key_count = self.keys.len();
        let key = intern(&mut self.keys, &mut self.key_ids, &c.key);
        if self.keys.len() > key_count {
            let next = self.partitions.len() as u32;
            let partition = *self
                .partition_of_measure
                .entry(c.key.measure.clone())
                .or_insert(next);
            if partition == next {
                self.partitions.push(Partition::default());
            }
            self.partition_of_key.push(partition);
        }
        let seq = self.len;
        self.len += 1;
        let p = &mut self.partitions[self.partition_of_key[key as usize] as usize];
        let before = p.last_seq;
        let gap = seq - before;
        p.last_seq = seq;
        p.count += 1;
        self.scratch.clear();
        encode(&mut self.scratch, c, gap, file, key);
        let record = &self.scratch;
        match p.blocks.last_mut() {
            Some(b) if b.capacity() - b.len() >= record.len() => {
                b.extend_from_slice(record);
                if let Some(head) = p.heads.last_mut() {
                    head.count += 1;
                }
            }
            _ => {
                let mut b = Vec::with_capacity(BLOCK.max(record.len()));
                b.extend_from_slice(record);
                p.blocks.push(b);
                p.heads.push(BlockHead { count: 1, before });
            }
        }
    }

    /// Hand each measure's claims to `f`, decoded, in arrival order, with their arrival numbers
    /// (the position of each claim among all the index holds): measures in the order they first
    /// appeared. Only one measure's claims are decoded at a time.
    pub fn for_each_measure(&self, mut f: impl FnMut(&[Claim], &[u32])) {
        for p in &self.partitions {
            let (claims, seqs) = self.decode_partition(p);
            f(&claims, &seqs);
        }
    }

    /// `f` of each measure's claims (as [`Self::for_each_measure`] hands them), on every core,
    /// the results in the order of the measures: the corpus-wide pass came after every file,
    /// with one core idle. Two measures decoded at once must not take more room than the
    /// largest alone did (the peak of a 1 GB run is this pass): a measure over half the size of
    /// the largest is decoded alone, the others side by side.
    pub fn map_measures<R: Send>(&self, f: impl Fn(&[Claim], &[u32]) -> R + Sync) -> Vec<R> {
        use rayon::prelude::*;
        let run = |p: &Partition| {
            let (claims, seqs) = self.decode_partition(p);
            f(&claims, &seqs)
        };
        let largest = self.partitions.iter().map(|p| p.count).max().unwrap_or(0);
        let alone = |p: &Partition| p.count > largest / 2;
        let mut results: Vec<Option<R>> = self
            .partitions
            .par_iter()
            .map(|p| (!alone(p)).then(|| run(p)))
            .collect();
        for (p, r) in self.partitions.iter().zip(&mut results) {
            if alone(p) {
                *r = Some(run(p));
            }
        }
        results.into_iter().flatten().collect()
    }

    /// A measure's claims and arrival numbers. Its blocks are decoded on every core (a large
    /// measure is decoded alone, the other cores idle), each straight into its place.
    fn decode_partition(&self, p: &Partition) -> (Vec<Claim>, Vec<u32>) {
        use rayon::prelude::*;
        let n = p.count as usize;
        let mut claims: Vec<Claim> = Vec::with_capacity(n);
        let mut seqs = vec![0; n];
        let mut room = &mut claims.spare_capacity_mut()[..n];
        let mut seq_room = &mut seqs[..];
        let mut jobs = Vec::with_capacity(p.blocks.len());
        for (block, head) in p.blocks.iter().zip(&p.heads) {
            let at = head.count as usize;
            let (c, rest) = std::mem::take(&mut room).split_at_mut(at);
            let (s, seq_rest) = std::mem::take(&mut seq_room).split_at_mut(at);
            (room, seq_room) = (rest, seq_rest);
            jobs.push((block, head.before, c, s));
        }
        jobs.into_par_iter()
            .for_each(|(block, before, c, s)| self.decode_block(block, before, c, s));
        // SAFETY: the blocks' counts add up to `n`, and `decode_block` wrote every claim of its
        // share or panicked (and a panic leaves the claims written leaked, not dropped).
        unsafe { claims.set_len(n) };
        (claims, seqs)
    }

    /// Decode `block` into `claims` and its arrival numbers into `seqs`, all of both.
    fn decode_block(
        &self,
        block: &[u8],
        mut seq: u32,
        claims: &mut [MaybeUninit<Claim>],
        seqs: &mut [u32],
    ) {
        let mut r = Reader {
            bytes: block,
            at: 0,
        };
        let mut n = 0;
        while r.at < block.len() {
            // The first record's gap is its arrival number (counted from zero), the others' the
            // difference from the record before.
            let (gap, claim) = decode(&mut r, &self.paths, &self.keys);
            seq += gap;
            claims[n].write(claim);
            seqs[n] = seq;
            n += 1;
        }
        assert_eq!(n, claims.len(), "a block holds the records it counted");
    }
}

impl FromIterator<Claim> for ClaimIndex {
    fn from_iter<I: IntoIterator<Item = Claim>>(claims: I) -> ClaimIndex {
        let mut index = ClaimIndex::new();
        index.extend(claims);
        index
    }
}

/// The number of `item` in `table`, adding it if new; shared copies are told apart by address.
fn intern<T>(table: &mut Vec<Arc<T>>, ids: &mut FxHashMap<usize, u32>, item: &Arc<T>) -> u32 {
    intern_by_address(table, ids, Arc::as_ptr(item) as usize, || Arc::clone(item))
}

/// The number in `table` of the shared value at address `ptr`, adding `item()` if new: values
/// shared through one `Arc` are told apart by address, without hashing what they hold.
pub(crate) fn intern_by_address<T>(
    table: &mut Vec<T>,
    ids: &mut FxHashMap<usize, u32>,
    ptr: usize,
    item: impl FnOnce() -> T,
) -> u32 {
    let next = table.len() as u32;
    let id = *ids.entry(ptr).or_insert(next);
    if id == next {
        table.push(item());
    }
    id
}

// Float encodings, two bits each in one byte.
const F_NONE: u8 = 0;
/// A whole number from 0 to 2^53, as a varint: counts, years, powers of ten.
const F_WHOLE: u8 = 1;
const F_BITS: u8 = 2;
/// The same bits as the claim's low value (a single figure is its own low and high).
const F_AS_LOW: u8 = 3;

fn float_tag(v: Option<f64>, low: Option<f64>) -> u8 {
    match v {
        None => F_NONE,
        Some(x) if low.is_some_and(|l| l.to_bits() == x.to_bits()) => F_AS_LOW,
        Some(x) if whole(x).is_some() => F_WHOLE,
        Some(_) => F_BITS,
    }
}

/// `x` as an integer when converting it back gives the very same bits (so not -0.0 or NaN).
fn whole(x: f64) -> Option<u64> {
    let u = x as u64;
    (u <= 1 << 53 && (u as f64).to_bits() == x.to_bits()).then_some(u)
}

fn put_float(out: &mut Vec<u8>, tag: u8, v: Option<f64>) {
    match (tag, v) {
        (F_WHOLE, Some(x)) => put_varint(out, whole(x).unwrap_or_default()),
        (F_BITS, Some(x)) => out.extend_from_slice(&x.to_bits().to_le_bytes()),
        _ => {}
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

// Codes by `match`, so that a new variant fails to compile here rather than be stored as another.
fn kind_code(k: NumberKind) -> u16 {
    match k {
        NumberKind::Count => 0,
        NumberKind::Percent => 1,
        NumberKind::Fraction => 2,
        NumberKind::Range => 3,
        NumberKind::Vague => 4,
        NumberKind::Relative => 5,
    }
}

fn kind_of(code: u16) -> NumberKind {
    match code {
        1 => NumberKind::Percent,
        2 => NumberKind::Fraction,
        3 => NumberKind::Range,
        4 => NumberKind::Vague,
        5 => NumberKind::Relative,
        _ => NumberKind::Count,
    }
}

fn source_code(s: SourceKind) -> u16 {
    match s {
        SourceKind::Cited => 0,
        SourceKind::Attributed => 1,
        SourceKind::Unsourced => 2,
    }
}

fn source_of(code: u16) -> SourceKind {
    match code {
        0 => SourceKind::Cited,
        1 => SourceKind::Attributed,
        _ => SourceKind::Unsourced,
    }
}

fn encode(out: &mut Vec<u8>, c: &Claim, gap: u32, file: u32, key: u32) {
    put_varint(out, u64::from(gap));
    put_varint(out, u64::from(file));
    put_varint(out, u64::from(key));
    put_varint(out, u64::from(c.line));
    put_varint(out, u64::from(c.column));
    put_varint(out, u64::from(c.span.start));
    // Differences wrap rather than fail: any u32 pair comes back as it went in.
    put_varint(out, u64::from(c.span.end.wrapping_sub(c.span.start)));
    put_varint(out, u64::from(c.end.line.wrapping_sub(c.line)));
    put_varint(out, u64::from(c.end.column));
    put_str(out, &c.text);
    let (low, high, denominator) = (c.low.get(), c.high.get(), c.denominator.get());
    let tags = [
        float_tag(low, None),
        float_tag(high, low),
        float_tag(denominator, low),
        float_tag(Some(c.unit), low),
    ];
    out.push(tags[0] | tags[1] << 2 | tags[2] << 4 | tags[3] << 6);
    put_float(out, tags[0], low);
    put_float(out, tags[1], high);
    put_float(out, tags[2], denominator);
    put_float(out, tags[3], Some(c.unit));
    let (kind, source) = (kind_code(c.kind), source_code(c.source.status));
    let flags = u16::from(c.approx)
        | u16::from(c.contrasts) << 1
        | u16::from(c.quoted) << 2
        | u16::from(c.source.text.is_some()) << 3
        | source << 4
        | kind << 6;
    out.extend_from_slice(&flags.to_le_bytes());
    if let Some(t) = &c.source.text {
        put_str(out, t);
    }
    out.extend_from_slice(&c.sentence_digest.to_le_bytes());
    put_varint(out, u64::from(c.paragraph));
    put_varint(out, u64::from(c.sentence_id));
}

/// Reads back what `encode` wrote; the index wrote every byte, so reads stay in bounds.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or_default();
        self.at += 1;
        b
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let start = self.at.min(self.bytes.len());
        let end = (self.at + n).min(self.bytes.len());
        self.at += n;
        &self.bytes[start..end]
    }

    #[inline]
    fn varint(&mut self) -> u64 {
        // Most numbers of a record fit in one byte.
        match self.bytes.get(self.at) {
            Some(&b) if b < 0x80 => {
                self.at += 1;
                u64::from(b)
            }
            _ => self.long_varint(),
        }
    }

    fn long_varint(&mut self) -> u64 {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte();
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                break;
            }
        }
        v
    }

    #[inline]
    fn u32(&mut self) -> u32 {
        self.varint() as u32
    }

    fn u64_le(&mut self) -> u64 {
        let mut b = [0; 8];
        let bytes = self.take(8);
        b[..bytes.len()].copy_from_slice(bytes);
        u64::from_le_bytes(b)
    }

    fn str(&mut self) -> &str {
        let n = self.varint() as usize;
        // Written from a `str`, so always UTF-8.
        std::str::from_utf8(self.take(n)).unwrap_or_default()
    }

    fn float(&mut self, tag: u8, low: Option<f64>) -> Option<f64> {
        match tag {
            F_WHOLE => Some(self.varint() as f64),
            F_BITS => Some(f64::from_bits(self.u64_le())),
            F_AS_LOW => low,
            _ => None,
        }
    }
}

fn decode(r: &mut Reader, paths: &[Arc<String>], keys: &[Arc<ClaimKey>]) -> (u32, Claim) {
    let gap = r.u32();
    let file = r.u32() as usize;
    let key = r.u32() as usize;
    let line = r.u32();
    let column = r.u32();
    let start = r.u32();
    let end = start.wrapping_add(r.u32());
    let end_line = line.wrapping_add(r.u32());
    let end_column = r.u32();
    let text = r.str().into();
    let tags = r.byte();
    let low = r.float(tags & 3, None);
    let high = r.float(tags >> 2 & 3, low);
    let denominator = r.float(tags >> 4 & 3, low);
    let unit = r.float(tags >> 6 & 3, low).unwrap_or_default();
    let flags = u16::from_le_bytes([r.byte(), r.byte()]);
    let source_text = (flags & 8 != 0).then(|| r.str().into());
    let sentence_digest = r.u64_le();
    let paragraph = r.u32();
    let sentence_id = r.u32();
    let claim = Claim {
        path: paths[file].clone(),
        line,
        column,
        span: ClaimSpan { start, end },
        end: ClaimLineCol {
            line: end_line,
            column: end_column,
        },
        text,
        low: MaybeF64::from(low),
        high: MaybeF64::from(high),
        approx: flags & 1 != 0,
        unit,
        kind: kind_of(flags >> 6 & 7),
        key: keys[key].clone(),
        source: ClaimSource {
            status: source_of(flags >> 4 & 3),
            text: source_text,
        },
        sentence_digest,
        contrasts: flags & 2 != 0,
        quoted: flags & 4 != 0,
        denominator: MaybeF64::from(denominator),
        paragraph,
        sentence_id,
    };
    (gap, claim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::{FigureText, intern_key};
    use proptest::prelude::*;

    fn key(measure: Option<&str>, qualifier: Option<&str>) -> Arc<ClaimKey> {
        intern_key(ClaimKey {
            measure: measure.map(str::to_string),
            subject: Some("the index test subject".into()),
            period: Some("1937".into()),
            qualifier: qualifier.map(str::to_string),
            generic_subject: false,
        })
    }

    fn claim(path: &Arc<String>, key: Arc<ClaimKey>, at: u32, text: &str) -> Claim {
        Claim {
            path: path.clone(),
            line: 3,
            column: at,
            span: ClaimSpan {
                start: at,
                end: at + text.len() as u32,
            },
            end: ClaimLineCol {
                line: 3,
                column: at + 4,
            },
            text: FigureText::from(text),
            low: Some(1200.0).into(),
            high: Some(1200.0).into(),
            approx: false,
            unit: 100.0,
            kind: NumberKind::Count,
            key,
            source: ClaimSource {
                status: SourceKind::Unsourced,
                text: None,
            },
            sentence_digest: 0x0123_4567_89ab_cdef,
            contrasts: false,
            quoted: false,
            denominator: None.into(),
            paragraph: 2,
            sentence_id: 7,
        }
    }

    /// Every field, floats by their bits (NaN is not equal to itself).
    fn same(a: &Claim, b: &Claim) -> bool {
        let bits = |v: MaybeF64| v.get().map(f64::to_bits);
        format!("{a:?}") == format!("{b:?}")
            && Arc::ptr_eq(&a.key, &b.key)
            && bits(a.low) == bits(b.low)
            && bits(a.high) == bits(b.high)
            && bits(a.denominator) == bits(b.denominator)
            && a.unit.to_bits() == b.unit.to_bits()
            && a.sentence_digest == b.sentence_digest
            && a.contrasts == b.contrasts
            && a.paragraph == b.paragraph
            && a.sentence_id == b.sentence_id
    }

    fn decoded(index: &ClaimIndex) -> Vec<(u32, Claim)> {
        let mut out = Vec::new();
        index.for_each_measure(|claims, seqs| {
            out.extend(seqs.iter().copied().zip(claims.iter().cloned()));
        });
        out
    }

    #[test]
    fn measures_come_apart_in_order_of_first_appearance() {
        let path = Arc::new("a.md".to_string());
        let (deaths, arrests) = (key(Some("deaths"), None), key(Some("arrests"), None));
        let average = key(Some("deaths"), Some("average"));
        let claims = vec![
            claim(&path, deaths.clone(), 0, "1,200"),
            claim(&path, arrests.clone(), 10, "300"),
            claim(&path, average.clone(), 20, "40"),
            claim(&path, key(None, None), 30, "12"),
            claim(&path, deaths.clone(), 40, "1,300"),
        ];
        let index: ClaimIndex = claims.clone().into_iter().collect();
        assert_eq!(index.len(), 5);
        let mut measures = Vec::new();
        index.for_each_measure(|c, seqs| {
            measures.push((c[0].key.measure.clone(), seqs.to_vec()));
        });
        assert_eq!(
            measures,
            [
                (Some("deaths".to_string()), vec![0, 2, 4]),
                (Some("arrests".to_string()), vec![1]),
                (None, vec![3]),
            ]
        );
        for (seq, c) in decoded(&index) {
            assert!(same(&c, &claims[seq as usize]), "{c:?}");
        }
    }

    #[test]
    fn measures_mapped_on_every_core_come_back_in_the_same_order() {
        let path = Arc::new("a.md".to_string());
        // Enough measures that the pool splits them among its threads.
        let keys: Vec<_> = (0..64)
            .map(|i| key(Some(&format!("measure {i}")), None))
            .collect();
        // Two large measures (decoded alone) among many small ones (side by side).
        let measure_of = |i: usize| match i {
            0..300 => 3,
            300..500 => 10,
            _ => (i * 7) % 64,
        };
        let claims: Vec<Claim> = (0..1_000)
            .map(|i| claim(&path, keys[measure_of(i)].clone(), i as u32 * 10, "5"))
            .collect();
        let index: ClaimIndex = claims.into_iter().collect();
        let mut sequential = Vec::new();
        index
            .for_each_measure(|c, seqs| sequential.push((c[0].key.measure.clone(), seqs.to_vec())));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let mapped = pool
            .install(|| index.map_measures(|c, seqs| (c[0].key.measure.clone(), seqs.to_vec())));
        assert_eq!(sequential.len(), 64);
        assert_eq!(mapped, sequential);
    }

    #[test]
    fn files_added_later_follow_earlier_ones() {
        let (a, b) = (Arc::new("a.md".to_string()), Arc::new("b.md".to_string()));
        let deaths = key(Some("deaths"), None);
        let mut index = ClaimIndex::new();
        index.extend([claim(&a, deaths.clone(), 5, "1,200")]);
        index.extend([claim(&b, deaths.clone(), 9, "1,300")]);
        let got = decoded(&index);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].0, got[0].1.path.as_str()), (0, "a.md"));
        assert_eq!((got[1].0, got[1].1.path.as_str()), (1, "b.md"));
        assert!(Arc::ptr_eq(&got[0].1.path, &a));
    }

    #[test]
    fn awkward_values_come_back_as_they_went_in() {
        let path = Arc::new("ü/a.md".to_string());
        let k = key(Some("deaths"), None);
        let mut cases = Vec::new();
        for (low, high, unit, denominator) in [
            (Some(0.0), Some(-0.0), 1.0, None),
            (Some(f64::NAN), None, 0.1, Some(15.0)),
            (None, Some(9_007_199_254_740_993.0), 1e300, Some(0.5)),
            (Some(-3.0), Some(f64::INFINITY), -0.0, None),
            (
                Some(9_007_199_254_740_992.0),
                Some(2.5),
                9_007_199_254_740_992.0,
                None,
            ),
        ] {
            let mut c = claim(&path, k.clone(), 0, "1,200");
            (c.low, c.high, c.unit, c.denominator) =
                (low.into(), high.into(), unit, denominator.into());
            cases.push(c);
        }
        let mut c = claim(&path, k.clone(), u32::MAX - 2, "about 1.2 million ü");
        c.span.end = 4; // ends before it starts: stored by difference, it must still come back
        c.end = ClaimLineCol {
            line: 0,
            column: u32::MAX,
        };
        c.line = u32::MAX;
        (c.approx, c.contrasts, c.quoted) = (true, true, true);
        c.kind = NumberKind::Relative;
        c.source = ClaimSource {
            status: SourceKind::Attributed,
            text: Some("according to the ministry's ü report".into()),
        };
        (c.paragraph, c.sentence_id, c.sentence_digest) = (u32::MAX, 0, u64::MAX);
        cases.push(c);
        let index: ClaimIndex = cases.clone().into_iter().collect();
        let got = decoded(&index);
        assert_eq!(got.len(), cases.len());
        for (seq, c) in got {
            assert!(same(&c, &cases[seq as usize]), "{c:?}");
        }
    }

    #[test]
    fn records_fill_many_blocks_and_a_huge_one_gets_its_own() {
        let path = Arc::new("docs/report.md".to_string());
        let k = key(Some("deaths"), None);
        let huge = "9".repeat(BLOCK + 10);
        let mut claims: Vec<Claim> = (0..5000)
            .map(|i| claim(&path, k.clone(), i * 90, "1,200"))
            .collect();
        claims.insert(2500, claim(&path, k.clone(), 7, &huge));
        let index: ClaimIndex = claims.clone().into_iter().collect();
        assert!(index.partitions[0].blocks.len() > 3);
        let got = decoded(&index);
        assert_eq!(got.len(), claims.len());
        for (i, (seq, c)) in got.iter().enumerate() {
            assert_eq!(*seq as usize, i);
            assert!(same(c, &claims[i]), "{i}");
        }
    }

    /// The decoding as it was before blocks were decoded on every core.
    fn decode_partition_oracle(index: &ClaimIndex, p: &Partition) -> (Vec<Claim>, Vec<u32>) {
        let mut claims = Vec::with_capacity(p.count as usize);
        let mut seqs = Vec::with_capacity(p.count as usize);
        let mut seq = 0u32;
        for block in &p.blocks {
            let mut r = Reader {
                bytes: block,
                at: 0,
            };
            while r.at < block.len() {
                let (gap, claim) = decode(&mut r, &index.paths, &index.keys);
                seq = if claims.is_empty() { gap } else { seq + gap };
                seqs.push(seq);
                claims.push(claim);
            }
        }
        (claims, seqs)
    }

    /// Blocks decoded on one thread and on several, in waves, come back as one sequence.
    #[test]
    fn blocks_decoded_on_many_threads_come_back_in_order() {
        let (a, b) = (Arc::new("a.md".to_string()), Arc::new("é/b.md".to_string()));
        let (deaths, arrests) = (key(Some("deaths"), None), key(Some("arrests"), None));
        // Measures interleaved, so that arrival numbers leap; texts of many lengths, one
        // longer than a block.
        let claims: Vec<Claim> = (0..40_000u32)
            .map(|i| {
                let text = match i {
                    17_000 => "7".repeat(BLOCK + 3),
                    _ => "ü9".repeat((i % 13) as usize),
                };
                let (path, k) = if i % 3 == 0 {
                    (&a, &arrests)
                } else {
                    (&b, &deaths)
                };
                claim(path, k.clone(), i, &text)
            })
            .collect();
        let index: ClaimIndex = claims.into_iter().collect();
        assert!(index.partitions.iter().all(|p| p.blocks.len() > 8));
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for p in &index.partitions {
                let (got, seqs) = pool.install(|| index.decode_partition(p));
                let (want, want_seqs) = decode_partition_oracle(&index, p);
                assert_eq!(seqs, want_seqs);
                assert_eq!(got.len(), want.len());
                assert!(got.iter().zip(&want).all(|(g, w)| same(g, w)));
            }
        }
    }

    #[test]
    fn a_typical_claim_takes_under_forty_bytes() {
        let path = Arc::new("docs/report.md".to_string());
        let k = key(Some("deaths"), None);
        let index: ClaimIndex = (0..1000)
            .map(|i| claim(&path, k.clone(), 1000 + i * 90, "1,200"))
            .collect();
        let per_claim = index.record_bytes() / index.len();
        assert!(per_claim < 40, "{per_claim} bytes per claim");
    }

    fn any_float() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            Just(None),
            (0u64..1 << 54).prop_map(|v| Some(v as f64)),
            any::<f64>().prop_map(Some),
            any::<u64>().prop_map(|b| Some(f64::from_bits(b))),
        ]
    }

    proptest! {
        #[test]
        fn any_claim_round_trips(
            fields in (
                any::<[u32; 8]>(),
                (any_float(), any_float(), any_float(), any_float()),
                (any::<[bool; 4]>(), 0usize..6, 0usize..3),
                ("\\PC{0,30}", proptest::option::of("\\PC{0,40}")),
                any::<u64>(),
            ),
            measure in 0usize..3,
        ) {
            let ([line, column, start, end, end_line, end_column, paragraph, sentence], floats, flags, texts, digest) = fields;
            let path = Arc::new("p.md".to_string());
            let measures = [Some("deaths"), Some("arrests"), None];
            let mut c = claim(&path, key(measures[measure], None), 0, &texts.0);
            (c.line, c.column, c.span, c.end) = (
                line,
                column,
                ClaimSpan { start, end },
                ClaimLineCol { line: end_line, column: end_column },
            );
            (c.low, c.high, c.denominator) = (floats.0.into(), floats.1.into(), floats.2.into());
            c.unit = floats.3.unwrap_or(1.0);
            (c.approx, c.contrasts, c.quoted) = (flags.0[0], flags.0[1], flags.0[2]);
            c.kind = kind_of(flags.1 as u16);
            c.source = ClaimSource { status: source_of(flags.2 as u16), text: texts.1.map(Into::into) };
            (c.paragraph, c.sentence_id, c.sentence_digest) = (paragraph, sentence, digest);
            let index: ClaimIndex = [c.clone(), c.clone()].into_iter().collect();
            let got = decoded(&index);
            prop_assert_eq!(got.len(), 2);
            prop_assert_eq!((got[0].0, got[1].0), (0, 1));
            prop_assert!(same(&got[0].1, &c), "{:?} != {:?}", got[0].1, c);
            prop_assert!(same(&got[1].1, &c));
        }
    }
}
