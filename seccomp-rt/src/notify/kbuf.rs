//! Buffers for structures the kernel may have grown.

/// Enough 8-byte words for every notification structure of kernels so far (80 bytes
/// today), with room to grow.
const STACK_WORDS: usize = 32;

/// A zeroed, 8-byte aligned buffer of at least `len` bytes: on the stack for the sizes
/// kernels use, so receiving and answering allocate nothing; on the heap if a future
/// kernel's structure outgrows it.
// The large variant is the point: a buffer on the stack, not a boxed one.
#[allow(clippy::large_enum_variant)]
pub(super) enum KBuf {
    Stack([u64; STACK_WORDS]),
    Heap(Vec<u64>),
}

impl KBuf {
    pub(super) fn zeroed(len: usize) -> KBuf {
        let words = len.div_ceil(8);
        if words <= STACK_WORDS {
            KBuf::Stack([0; STACK_WORDS])
        } else {
            KBuf::Heap(vec![0; words])
        }
    }

    pub(super) fn as_mut_ptr(&mut self) -> *mut u64 {
        match self {
            KBuf::Stack(a) => a.as_mut_ptr(),
            KBuf::Heap(v) => v.as_mut_ptr(),
        }
    }

    pub(super) fn as_ptr(&self) -> *const u64 {
        match self {
            KBuf::Stack(a) => a.as_ptr(),
            KBuf::Heap(v) => v.as_ptr(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sizes_stay_on_the_stack_and_large_ones_fit() {
        assert!(matches!(KBuf::zeroed(80), KBuf::Stack(_)));
        assert!(matches!(KBuf::zeroed(STACK_WORDS * 8), KBuf::Stack(_)));
        match KBuf::zeroed(STACK_WORDS * 8 + 1) {
            KBuf::Heap(v) => assert_eq!(v.len(), STACK_WORDS + 1),
            KBuf::Stack(_) => panic!("does not fit on the stack"),
        }
    }
}
