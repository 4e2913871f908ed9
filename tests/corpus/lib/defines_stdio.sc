group @stdio = { read, write };
