//! The computation: count the random points that fall inside the quarter
//! circle. Deterministic (SplitMix64 from a seed), so that every answer can be
//! checked exactly, whoever computed it.

/// SplitMix64: a tiny, fast, well-mixed pseudo-random generator. The same
/// seed always gives the same draws, in any language.
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`: the top 53 bits, as many as an `f64` holds.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// How many of `samples` points drawn from `seed` fall inside the quarter
/// circle (`x² + y² < 1`). A point takes two draws: `x`, then `y`.
pub fn count_inside(seed: u64, samples: u64) -> u64 {
    let mut random = SplitMix64::new(seed);
    let mut inside = 0;
    for _ in 0..samples {
        let x = random.next_f64();
        let y = random.next_f64();
        if x * x + y * y < 1.0 {
            inside += 1;
        }
    }
    inside
}
