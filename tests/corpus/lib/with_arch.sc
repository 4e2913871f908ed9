// An included file may not choose architectures.
arch x86_64;
allow read;
