# NumPy reference for literals_untyped.tdl (independent of tdlc).
import numpy as np
from reference import emit
emit([2.5,4.5],"f64"); emit(2,"f64"); emit(np.float32(0.05)*2,"f32"); emit(np.array([1.5,2.5])*0.05+3,"f64"); emit([1,3,5],"i8"); emit(2**0.5,"f64")
emit(np.array([[0,3],[0,3]]),"i64"); emit([1,0],"f32"); emit([1.5]*3,"f64"); emit(np.full((2,2),7),"i32"); emit(np.eye(3),"f32"); emit(np.eye(2)*3,"f64"); emit(np.full((2,3),10.0),"f32")
