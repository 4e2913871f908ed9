// S0107: an errno the kernel cannot return (12 bits).
default errno(5000);
allow @default;
