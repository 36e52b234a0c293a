# bash completion for tdlc                                  -*- shell-script -*-
#
# Completes verbs (tdlc check|run|sim|repl|lsp), options, the values of options
# that take one of a fixed set (--emit=, --backend=, --diagnostics-format=,
# ...) and input files (*.tdl; *.tasm after `sim`).
#
# Verbs, options and values are read from `tdlc [VERB] --help-hidden`, the
# listing LLVM's command line library prints from the options tdlc actually
# registers, so this file has no list of its own to fall out of date. The
# listing is read once per tdlc binary and verb in a shell session.
#
# Install: copy to share/bash-completion/completions/tdlc (cmake --install
# does), or `source path/to/tdlc.bash` in ~/.bashrc.

declare -gA _tdlc_cache_words _tdlc_cache_verbs

# Reads `$1 [$2] --help-hidden` into the cache under the key "$1|$2":
#   words: the options, "--name" or "--name=" (a value follows the '='),
#          "-o " (a value follows as the next word), and "--name=value" for
#          every value an option lists;
#   verbs: the subcommands (top level only).
_tdlc_read_help() {
  local cmd=$1 verb=$2 key="$1|$2"
  [[ -n ${_tdlc_cache_words[$key]+set} ]] && return
  local line name rest last="" section="" options=() subcommands=()
  local option_re='^  (-{1,2}[A-Za-z0-9][-A-Za-z0-9_.]*)(.*)$'
  local value_re='^    =([^ ]+)'
  local verb_re='^  ([a-z][-a-z0-9]*) +- '
  while IFS= read -r line; do
    case $line in
    SUBCOMMANDS:*) section=verbs; continue ;;
    OPTIONS:*) section=options; continue ;;
    esac
    if [[ $section == verbs && $line =~ $verb_re ]]; then
      subcommands+=("${BASH_REMATCH[1]}")
    elif [[ $section == options && $line =~ $value_re ]]; then
      [[ -n $last ]] && options+=("$last=${BASH_REMATCH[1]}")
    elif [[ $section == options && $line =~ $option_re ]]; then
      name=${BASH_REMATCH[1]} rest=${BASH_REMATCH[2]}
      last=$name
      case $rest in
      '=<'*) options+=("$name=") ;;              # --emit=<value>
      '[=<'*) options+=("$name" "$name=") ;;     # --accel[=<config.json>]
      ' <'*) options+=("$name ") ;;              # -o <file>
      *) options+=("$name") ;;
      esac
    fi
  done < <("$cmd" ${verb:+"$verb"} --help-hidden 2>/dev/null)
  # Words hold no spaces but the one that marks "value is the next word";
  # store them one per line.
  _tdlc_cache_words[$key]=$(printf '%s\n' "${options[@]}")
  _tdlc_cache_verbs[$key]=${subcommands[*]}
}

# Adds the words of $2 (one per line) that start with $1 to COMPREPLY.
# With $3 = value, only the part after the first '=' of words that have one
# after it (the user is typing an option's value); otherwise option names
# only (`--emit=`, not each `--emit=VALUE`).
_tdlc_add_matches() {
  local prefix=$1 word
  while IFS= read -r word; do
    [[ -z $word || $word != "$prefix"* ]] && continue
    word=${word% } # the value of "-o " is the next word
    if [[ $3 == value ]]; then
      [[ $word == *=?* ]] && COMPREPLY+=("${word#*=}")
    elif [[ $word != *=?* ]]; then
      COMPREPLY+=("$word")
    fi
  done <<<"$2"
}

# The option as --help-hidden spells it: -o, --emit (users may type
# -emit, -march, -Werror: LLVM accepts one or two dashes).
_tdlc_spelling() {
  local name=${1#-}
  name=${name#-}
  if ((${#name} == 1)); then
    printf '%s' "-$name"
  else
    printf '%s' "--$name"
  fi
}

# Files matching the glob $1 (all files when empty) and directories.
_tdlc_files() {
  local pattern=$1 cur=$2 f
  compopt -o filenames 2>/dev/null
  while IFS= read -r f; do
    [[ -n $f ]] && COMPREPLY+=("$f")
  done < <(if [[ -z $pattern ]]; then
    compgen -f -- "$cur"
  else
    compgen -d -- "$cur"
    compgen -f -X "!$pattern" -- "$cur"
  fi)
}

# Completes the value $2 of option $1 (as typed) from the option words $3:
# the option's listed values, else file names. COMPREPLY holds the value
# alone with $4 = value (bash replaces only the value), else "$1=VALUE".
_tdlc_values() {
  local option=$1 value=$2 words=$3 i
  _tdlc_add_matches "$(_tdlc_spelling "$option")=$value" "$words" value
  if ((${#COMPREPLY[@]} == 0)); then
    # No fixed set of values: a file name (-o, --header=, --config=...).
    _tdlc_files "" "$value"
  fi
  if [[ $4 != value ]]; then
    for i in "${!COMPREPLY[@]}"; do
      COMPREPLY[i]=$option=${COMPREPLY[i]}
    done
  fi
}

_tdlc() {
  COMPREPLY=()
  local cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]}
  local cmd=${COMP_WORDS[0]} verb="" prev="" key words
  [[ $cmd == \~/* ]] && cmd=$HOME/${cmd#\~/}
  command -v "$cmd" >/dev/null 2>&1 || cmd=tdlc
  ((cword > 0)) && prev=${COMP_WORDS[cword - 1]}

  _tdlc_read_help "$cmd" ""
  key="$cmd|"
  local verbs=" ${_tdlc_cache_verbs[$key]} "
  if ((cword > 1)) && [[ $verbs == *" ${COMP_WORDS[1]} "* ]]; then
    verb=${COMP_WORDS[1]}
    _tdlc_read_help "$cmd" "$verb"
  fi
  key="$cmd|$verb"
  words=${_tdlc_cache_words[$key]}
  local lines=$'\n'$words$'\n'

  # An option's value. With '=' in COMP_WORDBREAKS (the default) bash hands
  # `--emit=as` over as `--emit` `=` `as` and replaces only `as`; without it,
  # as one word, replaced whole.
  if [[ $cur == "=" ]] && ((cword > 1)); then
    _tdlc_values "$prev" "" "$words" value
    return
  elif [[ $prev == "=" ]] && ((cword > 2)); then
    _tdlc_values "${COMP_WORDS[cword - 2]}" "$cur" "$words" value
    return
  elif [[ $cur == -*=* ]]; then
    _tdlc_values "${cur%%=*}" "${cur#*=}" "$words"
    return
  fi

  # A value given as the next word: `-o FILE`, `--emit asm` (but not after
  # a flag whose value is optional, `--accel`: that one needs the '=').
  if [[ $prev == -* ]]; then
    local spelled
    spelled=$(_tdlc_spelling "$prev")
    if [[ $lines == *$'\n'"$spelled "$'\n'* ||
      ($lines == *$'\n'"$spelled="$'\n'* &&
      $lines != *$'\n'"$spelled"$'\n'*) ]]; then
      _tdlc_values "$prev" "$cur" "$words" value
      return
    fi
  fi

  if [[ $cur == -* ]]; then
    if [[ $cur == -[!-]* ]]; then
      # Typed with one dash, clang style (-Werror, -ffast-math, -march=):
      # offer the long options that way too.
      local i
      _tdlc_add_matches "-$cur" "$words"
      for i in "${!COMPREPLY[@]}"; do
        COMPREPLY[i]=${COMPREPLY[i]#-}
      done
      _tdlc_add_matches "$cur" "$(grep -v '^--' <<<"$words")"
    else
      _tdlc_add_matches "$cur" "$words"
    fi
    # No space after "--emit=": the value comes next.
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
      compopt -o nospace 2>/dev/null
    return
  fi

  if ((cword == 1)); then
    local v
    for v in $verbs; do
      [[ $v == "$cur"* ]] && COMPREPLY+=("$v")
    done
  fi
  case $verb in
  sim) _tdlc_files "*.tasm" "$cur" ;;
  repl | lsp) ;;
  *) _tdlc_files "*.tdl" "$cur" ;;
  esac
}

complete -F _tdlc tdlc
