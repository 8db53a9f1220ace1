//! Decoding arbitrary bytes (UTF-8, BOMs, UTF-16, NUL bytes) never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = factlint::discover::decode(data.to_vec());
});
