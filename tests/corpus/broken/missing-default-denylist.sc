// expect: S0109
// A denylist without its `default allow;`.
errno(EPERM) ptrace, mount;
