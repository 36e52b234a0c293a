# complete.bash SCRIPT WORD...: sources the completion SCRIPT, completes the
# last WORD of the command line WORD... as bash would (COMP_WORDS split the
# way the default COMP_WORDBREAKS splits `--emit=as` into `--emit` `=` `as`
# is up to the caller) and prints COMPREPLY, one per line, sorted.
# shellcheck source=/dev/null
source "$1" || exit 1
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_tdlc
if ((${#COMPREPLY[@]})); then
  printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
fi
