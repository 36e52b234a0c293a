# NumPy reference for precedence.tdl (independent of tdlc).
from reference import emit
emit(-9,"f32"); emit(0.5,"f32"); emit(10,"f32"); emit((6&3)==2,"bool"); emit(1<<3,"i32"); emit(1|(6^(3&5)),"i32"); emit(4,"i32"); emit(True,"bool"); emit(2,"i32"); emit(2,"f32"); emit(-9,"i32"); emit(2.0**9,"f32"); emit(True,"bool")
