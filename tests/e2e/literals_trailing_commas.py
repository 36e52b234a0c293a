# NumPy reference for literals_trailing_commas.tdl (independent of tdlc).
from reference import emit
emit([2,4],"f32"); emit(4,"i32"); emit(2005,"f32"); emit(65535+10,"i32"); emit(2.5,"f32"); emit(3,"i32"); emit([1,1],"f32")
