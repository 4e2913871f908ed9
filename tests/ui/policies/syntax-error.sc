default kill;
allow read,
      write(fd == 1)
      exit_group;
