// expect: S0001
default kill;
const S = {1, 2;
allow read(fd in S);
