//! Value intervals of figures: what a stated number allows, given its rounding and hedges.
//!
//! "1,966" is a point; "681,000" allows one unit of its last significant digit (but at most 10%
//! of the value); "about 140,000" allows more; "at least 724,000" is unbounded above. Two
//! statements of one quantity conflict when their intervals do not overlap.

/// A closed interval; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// Relative tolerance of approximate statements ("about", "some", "roughly").
pub const DEFAULT_APPROX_TOLERANCE: f64 = 0.15;

/// Place value of the last non-zero digit of an integer value ("681,000" → 1000); 0 for a
/// value with a fractional part or with no trailing zeros (an exact-looking number).
pub fn round_unit(v: f64) -> f64 {
    let a = v.abs();
    if a < 10.0 || a.fract() != 0.0 || a > 1e15 {
        return 0.0;
    }
    let mut n = a as u64;
    let mut unit = 1u64;
    while n.is_multiple_of(10) && n > 0 {
        n /= 10;
        unit *= 10;
    }
    if unit == 1 { 0.0 } else { unit as f64 }
}

/// Below this, an unhedged whole number is an exact count ("10 spies", "Nine spies"), not a
/// rounded one.
pub const EXACT_BELOW: f64 = 100.0;

/// How far a stated value may lie from the truth.
pub fn tolerance(v: f64, approx: bool, approx_tol: f64) -> f64 {
    let rounding = if v.abs() < EXACT_BELOW {
        0.0
    } else {
        round_unit(v).min(0.1 * v.abs())
    };
    if approx {
        rounding.max(approx_tol * v.abs())
    } else {
        rounding
    }
}

impl Interval {
    /// The interval a figure allows: its stated bounds widened by rounding and hedges.
    pub fn of(low: Option<f64>, high: Option<f64>, approx: bool, approx_tol: f64) -> Interval {
        Interval {
            low: low.map(|v| v - tolerance(v, approx, approx_tol)),
            high: high.map(|v| v + tolerance(v, approx, approx_tol)),
        }
    }

    /// Whether both statements can hold at once.
    pub fn overlaps(&self, other: &Interval) -> bool {
        let eps = 1e-9;
        let below = matches!((self.high, other.low), (Some(h), Some(l)) if h + eps < l);
        let above = matches!((other.high, self.low), (Some(h), Some(l)) if h + eps < l);
        !(below || above)
    }

    pub fn conflicts(&self, other: &Interval) -> bool {
        !self.overlaps(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn iv(low: Option<f64>, high: Option<f64>, approx: bool) -> Interval {
        Interval::of(low, high, approx, DEFAULT_APPROX_TOLERANCE)
    }
    fn pt(v: f64, approx: bool) -> Interval {
        iv(Some(v), Some(v), approx)
    }

    #[test]
    fn round_units() {
        let cases = [
            (1966.0, 0.0),
            (681_000.0, 1000.0),
            (1_000_000.0, 1_000_000.0),
            (140_000.0, 10_000.0),
            (7.7, 0.0),
            (50.0, 10.0),
            (8.0, 0.0),
            (2_300_000.0, 100_000.0),
        ];
        for (v, want) in cases {
            assert_eq!(round_unit(v), want, "{v}");
        }
    }

    #[test]
    fn conflicts_table() {
        // (a, b, conflict?)
        let cases = [
            (pt(140_000.0, true), pt(143_810.0, false), false),
            (pt(111_000.0, false), pt(111_091.0, false), false),
            (pt(681_000.0, false), pt(681_692.0, false), false),
            (pt(1966.0, false), pt(1996.0, false), true),
            (pt(1_000_000.0, false), pt(681_692.0, false), true),
            (pt(1_000_000.0, false), pt(681_000.0, false), true),
            (iv(Some(724_000.0), None, false), pt(681_692.0, false), true),
            (
                iv(Some(724_000.0), None, false),
                pt(900_000.0, false),
                false,
            ),
            (
                iv(None, Some(200_000.0), false),
                pt(150_000.0, false),
                false,
            ),
            (iv(None, Some(10_000.0), false), pt(115_922.0, false), true),
            (
                iv(Some(20_000.0), Some(30_000.0), false),
                pt(34_301.0, false),
                true,
            ),
            (
                iv(Some(950_000.0), Some(1_200_000.0), false),
                pt(1_000_000.0, false),
                false,
            ),
            (pt(12_000.0, false), pt(11_596.0, false), false),
            (pt(30_000.0, false), pt(24_000.0, false), true),
            (pt(35_000.0, true), pt(30_000.0, false), false),
            (pt(4700.0, true), pt(4724.0, false), false),
            (
                iv(Some(100_000.0), Some(1_000_000.0), true),
                pt(1_000_000.0, false),
                false,
            ),
            (pt(139.0, false), pt(134.0, false), true),
            // Small counts are exact unless hedged.
            (pt(9.0, false), pt(10.0, false), true),
            (pt(9.0, true), pt(10.0, false), false),
            (pt(50.0, false), pt(50.0, false), false),
        ];
        for (i, (a, b, want)) in cases.iter().enumerate() {
            assert_eq!(a.conflicts(b), *want, "case {i}: {a:?} vs {b:?}");
        }
    }

    fn arb_interval() -> impl Strategy<Value = Interval> {
        (
            proptest::option::of(1.0f64..1e7),
            proptest::option::of(0.0f64..1e7),
            any::<bool>(),
        )
            .prop_map(|(low, width, approx)| {
                let high = match (low, width) {
                    (Some(l), Some(w)) => Some(l + w),
                    (None, Some(w)) => Some(w),
                    _ => None,
                };
                iv(low, high, approx)
            })
    }

    proptest! {
        #[test]
        fn conflict_is_symmetric(a in arb_interval(), b in arb_interval()) {
            prop_assert_eq!(a.conflicts(&b), b.conflicts(&a));
        }

        #[test]
        fn never_conflicts_with_itself(a in arb_interval()) {
            prop_assert!(!a.conflicts(&a));
        }
    }
}
