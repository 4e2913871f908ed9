//! The inputs differential tests feed to a policy: every syscall number of the arch (and
//! past it, x32 numbers, a wrong arch), each with boundary argument values derived from
//! the constants the policy compares with.

use seccomp_dsl::eval::SeccompData;
use seccomp_dsl::policy::{ArchPolicy, Test};
use seccomp_dsl::tables::Width;

/// Values every argument is tried with, whatever the policy says.
const BASE: [u64; 9] = [
    0,
    1,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    1 << 32,
    0xffff_ffff_8000_0000,
    0x8000_0000_0000_0000,
    u64::MAX,
];

/// Boundary values for one test: the constant ±1, and for 32-bit arguments the same
/// values with a sign-extended or garbage high word (which the kernel must ignore), and
/// bits outside a mask set (which the mask must drop).
fn around(t: &Test, out: &mut Vec<u64>) {
    for v in t.values() {
        for d in [v.wrapping_sub(1), v, v.wrapping_add(1)] {
            out.push(d);
            out.push(d | !t.mask);
            if t.width == Width::W32 {
                let lo = d & 0xffff_ffff;
                out.push(lo);
                out.push(lo | 0xffff_ffff_0000_0000);
                out.push(lo | 0xdead_beef_0000_0000);
            }
        }
    }
}

/// Per argument index, the values worth trying for calls of `nr`.
pub fn arg_values(policy: &ArchPolicy, nr: u32) -> [Vec<u64>; 6] {
    let mut per_arg: [Vec<u64>; 6] = Default::default();
    for (_, rule) in policy.rules_for(nr) {
        if let Some(cond) = &rule.cond {
            for t in cond.tests() {
                around(t, &mut per_arg[usize::from(t.arg)]);
            }
        }
    }
    for vals in per_arg.iter_mut() {
        if !vals.is_empty() {
            vals.extend(BASE);
        }
        vals.sort_unstable();
        vals.dedup();
    }
    per_arg
}

/// A small deterministic generator (xorshift64*), so a failure reproduces.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// Argument vectors for calls of `nr`: the full product of the boundary values of the
/// arguments the policy looks at when it is small, else each argument swept alone plus
/// `sample` random combinations. Arguments the policy ignores stay 0 (and one vector
/// sets them all to garbage, which must change nothing).
pub fn arg_vectors(policy: &ArchPolicy, nr: u32, sample: usize) -> Vec<[u64; 6]> {
    let per_arg = arg_values(policy, nr);
    let used: Vec<usize> = (0..6).filter(|&i| !per_arg[i].is_empty()).collect();
    let mut out = vec![[0u64; 6], [u64::MAX; 6]];
    let product: usize = used.iter().map(|&i| per_arg[i].len()).product();
    if product <= 20_000 {
        let mut acc = vec![[0u64; 6]];
        for &i in &used {
            acc = acc
                .into_iter()
                .flat_map(|a| {
                    per_arg[i].iter().map(move |&v| {
                        let mut b = a;
                        b[i] = v;
                        b
                    })
                })
                .collect();
        }
        out.extend(acc);
    } else {
        for &i in &used {
            for &v in &per_arg[i] {
                let mut a = [0u64; 6];
                a[i] = v;
                out.push(a);
            }
        }
        let mut rng = Rng::new(u64::from(nr) * 7919 + 1);
        for _ in 0..sample {
            let mut a = [0u64; 6];
            for &i in &used {
                a[i] = *rng.pick(&per_arg[i]);
            }
            out.push(a);
        }
    }
    out
}

/// Every input for a policy: each syscall number up to past the arch's last, with its
/// argument vectors; on x86_64 also x32 numbers and the numbers above them; and calls
/// under a wrong `arch` value (`int 0x80` on x86_64 shows up as `AUDIT_ARCH_I386`).
pub fn inputs(policy: &ArchPolicy, sample: usize) -> Vec<SeccompData> {
    let arch = policy.arch.audit_arch();
    let mut nrs: Vec<u32> = (0..=policy.arch.max_nr() + 8).collect();
    if let Some(x32) = policy.arch.x32_bit() {
        let ruled: Vec<u32> = policy.rules.iter().map(|r| r.nr()).collect();
        nrs.extend(ruled.iter().map(|n| n | x32));
        nrs.extend([x32 - 1, x32, x32 + 1, u32::MAX]);
    }
    nrs.extend([0xffff, 0x1_0000, 0x7fff_ffff, 0x8000_0000, u32::MAX]);
    nrs.sort_unstable();
    nrs.dedup();
    let mut out = Vec::new();
    for nr in nrs {
        for args in arg_vectors(policy, nr & 0xffff, sample) {
            out.push(SeccompData::new(arch, nr, args));
        }
    }
    for wrong in [
        0,
        0x4000_0003, /* AUDIT_ARCH_I386 */
        arch ^ 0x8000_0000,
    ] {
        for nr in [0, 1, 59, 231] {
            out.push(SeccompData::new(wrong, nr, [0; 6]));
        }
    }
    out
}
