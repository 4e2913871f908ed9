// Part of an include cycle: broken/include-cycle.sc includes this file, which includes it back.
include "../broken/include-cycle.sc";
allow read;
