# NumPy reference for generics_packs_dims.tdl (independent of tdlc).
import numpy as np
from reference import emit
emit([1,2,3,2,3],"f32"); emit([1,3],"f32"); emit(324,"i64"); emit(1,"i64"); emit([5,6,7],"i64"); emit(np.full((2,4),3.0),"f32")
emit(10,"i32"); emit(0.75,"f64"); emit([1,2],"f64"); emit(1,"f64"); emit([[1,2],[2,4]],"f64"); emit(7,"i8"); emit(3004,"i64")
emit(5.0,"f32"); emit(10.5,"f32"); emit(9.0,"f32")
