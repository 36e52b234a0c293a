# NumPy reference for literals_lexical.tdl (independent of tdlc).
from reference import emit
emit(42,"i32"); emit(42,"i32"); emit(1000,"i32"); emit(1.0,"f32"); emit(.5,"f32"); emit(2.,"f32"); emit(1e-3,"f32"); emit(6.02e23,"f32")
emit([[1,2],[3,4]],"i32"); emit(0.1,"f64"); emit(9223372036854775807,"i64")
