// S0004: an include path without its closing quote.
include "base.sc;
default kill;
