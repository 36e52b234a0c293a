from reference import expect_error
expect_error(1, r"oob_error\.tdl:7:19: error: index 4 out of range for dim 0 of size 4[^\n]*\n +s = s \+ x\[i\];\n +\^")
