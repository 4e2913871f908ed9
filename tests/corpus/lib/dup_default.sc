default errno(EPERM);
