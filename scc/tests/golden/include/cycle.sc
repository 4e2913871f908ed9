// Included by S0112-include-cycle.sc, which it includes back.
include "../S0112-include-cycle.sc";
allow read;
