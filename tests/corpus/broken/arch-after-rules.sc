// expect: S0119
default kill;
allow read;
arch x86_64;
arch aarch64;
