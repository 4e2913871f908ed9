default kill;
include "lib/bad-constant.sc";
allow exit_group;
