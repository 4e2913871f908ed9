// expect: S0109
// A policy someone forgot to write.
/* TODO */
