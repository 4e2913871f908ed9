#!/bin/sh
# The application: counts the words of its input.
set -eu
words=$(wc -w)
echo "words: $words"
