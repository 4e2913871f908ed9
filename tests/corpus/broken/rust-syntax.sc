// expect: S0118
// Someone wrote Rust instead of the policy language.
fn main() {
    allow(read);
}
