default kill;
