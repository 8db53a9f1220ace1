//! ASCII byte classes of SSE2 and AVX2 vectors, shared by the scans that read text sixteen or
//! thirty-two bytes a step (number recogniser, segmenter, attributions, citations, claim keys).
//!
//! Each class is a lane mask: `0xFF` where the byte is in it, `0` elsewhere. Bytes from `0x80`
//! (any part of a non-ASCII character) are in none of them. Each scan keeps a byte-at-a-time
//! oracle in its own tests, which holds these to its byte table.

#![cfg(all(target_arch = "x86_64", target_feature = "sse2"))]

use std::arch::x86_64::*;

/// Lanes of `x` in `lo..=hi` (`hi < 0x80`) in one add and one signed compare: the byte plus
/// `0x80 - lo` is below `0x80 + (hi - lo + 1)`, as signed bytes, exactly when it is in range.
#[target_feature(enable = "sse2")]
#[inline]
pub fn in_range(x: __m128i, lo: u8, hi: u8) -> __m128i {
    debug_assert!(lo <= hi && hi < 0x80);
    _mm_cmplt_epi8(
        _mm_add_epi8(x, _mm_set1_epi8(0x80u8.wrapping_sub(lo) as i8)),
        _mm_set1_epi8((0x80 + (hi - lo) + 1) as i8),
    )
}

/// ASCII letters: `| 0x20` folds capitals onto small letters and brings no other byte among
/// them.
#[target_feature(enable = "sse2")]
#[inline]
pub fn letters(x: __m128i) -> __m128i {
    in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', b'z')
}

/// ASCII digits.
#[target_feature(enable = "sse2")]
#[inline]
pub fn digits(x: __m128i) -> __m128i {
    in_range(x, b'0', b'9')
}

/// Masks of the 64 bytes of `b` from `at`, bit `k` for `b[at + k]` and 0 past the end of `b`
/// (which holds at least sixteen bytes): the sign bits of the `N` lane masks `classes` makes of
/// each sixteen. Past the last whole sixteen, the last sixteen bytes of `b` are read again and
/// shifted, so that nothing is copied.
#[target_feature(enable = "sse2")]
#[inline]
pub fn block_masks<const N: usize>(
    b: &[u8],
    at: usize,
    classes: impl Fn(__m128i) -> [__m128i; N],
) -> [u64; N] {
    debug_assert!(b.len() >= 16);
    let lane = |p: usize| {
        let r = &b[p..p + 16];
        // SAFETY: `r` holds sixteen bytes; the load is unaligned.
        let x = unsafe { _mm_loadu_si128(r.as_ptr().cast()) };
        classes(x).map(|v| u64::from(_mm_movemask_epi8(v) as u16))
    };
    let mut m = [0u64; N];
    for k in 0..4 {
        let p = at + 16 * k;
        let l = if p + 16 <= b.len() {
            lane(p)
        } else if p < b.len() {
            lane(b.len() - 16).map(|x| x >> (16 - (b.len() - p)))
        } else {
            break;
        };
        for (mi, li) in m.iter_mut().zip(l) {
            *mi |= li << (16 * k);
        }
    }
    m
}

/// [`in_range`] for 32 lanes. Only for callers that run where AVX2 was detected.
#[target_feature(enable = "avx2")]
#[inline]
pub fn in_range_avx2(x: __m256i, lo: u8, hi: u8) -> __m256i {
    debug_assert!(lo <= hi && hi < 0x80);
    _mm256_cmpgt_epi8(
        _mm256_set1_epi8((0x80 + (hi - lo) + 1) as i8),
        _mm256_add_epi8(x, _mm256_set1_epi8(0x80u8.wrapping_sub(lo) as i8)),
    )
}

/// [`letters`] for 32 lanes.
#[target_feature(enable = "avx2")]
#[inline]
pub fn letters_avx2(x: __m256i) -> __m256i {
    in_range_avx2(_mm256_or_si256(x, _mm256_set1_epi8(0x20)), b'a', b'z')
}

/// [`digits`] for 32 lanes.
#[target_feature(enable = "avx2")]
#[inline]
pub fn digits_avx2(x: __m256i) -> __m256i {
    in_range_avx2(x, b'0', b'9')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte in every lane, against the byte tests the classes stand for.
    #[test]
    fn classes_agree_with_the_byte_tests() {
        // SAFETY: SSE2 is part of every x86_64 CPU (and enabled for this build).
        unsafe { classes_agree() }
    }

    #[target_feature(enable = "sse2")]
    fn classes_agree() {
        let bits = |m: __m128i| _mm_movemask_epi8(m) as u16;
        for base in (0..=255u8).step_by(16) {
            let bytes: [u8; 16] = std::array::from_fn(|k| base.wrapping_add(k as u8));
            // SAFETY: sixteen readable bytes; the load is unaligned.
            let x = unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) };
            let want = |f: fn(&u8) -> bool| {
                bytes
                    .iter()
                    .enumerate()
                    .fold(0u16, |m, (k, b)| m | (u16::from(f(b)) << k))
            };
            assert_eq!(bits(letters(x)), want(u8::is_ascii_alphabetic), "{base}");
            assert_eq!(bits(digits(x)), want(u8::is_ascii_digit), "{base}");
            assert_eq!(
                bits(in_range(x, b'\t', b'\r')),
                want(|b| (9..=13).contains(b))
            );
            assert_eq!(bits(in_range(x, 0, 0x7f)), want(u8::is_ascii), "{base}");
            if std::arch::is_x86_feature_detected!("avx2") {
                let wide = |f: fn(__m256i) -> __m256i| {
                    // SAFETY: AVX2 was detected just above; the 32-byte loads are unaligned.
                    unsafe {
                        let mut two = [0u8; 32];
                        two[..16].copy_from_slice(&bytes);
                        two[16..].copy_from_slice(&bytes);
                        let y = _mm256_loadu_si256(two.as_ptr().cast());
                        _mm256_movemask_epi8(f(y)) as u32
                    }
                };
                let twice = |m: u16| u32::from(m) | (u32::from(m) << 16);
                // SAFETY (both): AVX2 was detected above.
                let l = wide(|y| unsafe { letters_avx2(y) });
                let d = wide(|y| unsafe { digits_avx2(y) });
                assert_eq!(l, twice(bits(letters(x))), "{base}");
                assert_eq!(d, twice(bits(digits(x))), "{base}");
            }
        }
    }
}
