#!/usr/bin/env bash
# cli_doc_test.sh - README.md's options table and `slabfill --help` (generated from the option
# table in src/cli.c) name the same options, each written the same way: "-o, --output PATH",
# "--dtype float32|float64". An option added to the table without its README row, a README row
# for an option that is gone, or a renamed argument fails here.
. "$(dirname "$0")/lib.sh"

# The first column of --help's option lines ("  -o, --output PATH      output file ..."): up to
# the two or more spaces before the explanation.
help_options() {
    "$SLABFILL" --help | sed -n 's/^  \(-[^ ].*\)$/\1/p' | sed 's/  .*$//'
}

# The first column of the table under README's "## Options" heading, as text: backticks
# dropped, "\|" read as "|". Fails when the table is not there or its first column is not
# "option".
readme_options() {
    awk '/^## Options$/ { on = 1; next }
         on && /^## / { exit }
         on && /^\|/ { seen = 1; print; next }
         on && seen { exit }' "$1" |
        sed 's/\\|/\x01/g' | cut -d'|' -f2 | sed 's/`//g; s/^ *//; s/ *$//; s/\x01/|/g' |
        awk 'NR == 1 && $0 != "option" { bad = 1; exit } NR > 2 { print } END { exit bad }'
}

# compare README: prints "only in --help: X" and "only in README: X" lines, nothing when the two
# lists are the same (duplicates count).
compare() {
    local readme
    readme=$(readme_options "$1") || { echo "no options table under '## Options' in $1"; return; }
    diff <(help_options | sort) <(echo "$readme" | sort) |
        sed -n 's/^< /only in --help: /p; s/^> /only in README: /p'
}

n=$(help_options | wc -l)
if [ "$n" -lt 20 ]; then
    fail help-has-options "found $n option lines in --help"
else
    ok help-has-options
fi

diffs=$(compare "$TOP/README.md")
if [ -z "$diffs" ]; then
    ok readme-options-match-help
else
    fail readme-options-match-help "$(echo "$diffs" | paste -sd';' -)"
fi

# The comparison itself, on READMEs made from --help: one written as README.md is (backticks,
# "\|"), which must match; then one without a row and with a row for an option that does not
# exist, and one with an argument renamed, which must not.
{
    printf '# slabfill\n\n## Options\n\n| option | meaning | default |\n|---|---|---|\n'
    help_options | sed 's/|/\\|/g; s/^\(-.\), \(.*\)$/`\1`, `\2`/; t; s/.*/`&`/' |
        sed 's/.*/| & | meaning | |/'
    printf '\n## Next\n\n| option | meaning |\n|---|---|\n| `--not-this-table` | x |\n'
} >"$SCRATCH/made.md"
diffs=$(compare "$SCRATCH/made.md")
if [ -z "$diffs" ]; then
    ok reads-readme-format
else
    fail reads-readme-format "a README made from --help differs: $(echo "$diffs" | paste -sd';' -)"
fi
sed -e '/`--version`/d' -e 's/^| `--force` |/| `--no-such-option` | x | |\n&/' \
    "$SCRATCH/made.md" >"$SCRATCH/rows.md"
diffs=$(compare "$SCRATCH/rows.md")
if [[ $diffs == *"only in --help: -V, --version"* &&
      $diffs == *"only in README: --no-such-option"* ]]; then
    ok detects-missing-and-extra-rows
else
    fail detects-missing-and-extra-rows "got: $diffs"
fi
sed 's/^| `--seed N` |/| `--seed SEED` |/' "$SCRATCH/made.md" >"$SCRATCH/arg.md"
diffs=$(compare "$SCRATCH/arg.md")
if [[ $diffs == *"only in --help: --seed N"* && $diffs == *"only in README: --seed SEED"* ]]
then
    ok detects-renamed-argument
else
    fail detects-renamed-argument "got: $diffs"
fi
finish
