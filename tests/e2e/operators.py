# NumPy reference for operators.tdl (independent of tdlc).
import numpy as np
from reference import emit
f=np.float32
a=np.array([[1.5,-2.0,3.25],[0.5,4.0,-1.0]],f); b=np.array([2.0,-0.5,3.0],f); c=np.array([[10.0],[-3.0]],f)
emit(a+b,"f32"); emit(a-c,"f32"); emit(a*b*c,"f32"); emit(a/b,"f32"); emit(np.fmod(a,b),"f32")
x=np.array([7,-7,7,-7]); y=np.array([2,2,-2,-2])
emit(np.trunc(x/y).astype(int),"i32"); emit(np.fmod(x,y),"i32")
emit(np.array([2,3,-2,10])**np.array([10,3,3,2]),"i64")
emit(np.array([2.0,0.5,9.0])**1.5,"f64")
emit(a<b,"bool"); emit(np.ones((2,3),bool),"bool")
emit(np.array([True,False,True])&(np.array([1,2,3])>1) | ~np.array([False,False,True]),"bool")
emit((np.array([12,10,255])&np.array([10,6,15]))^(np.array([1,2,4])|8),"i32")
emit(-b,"f32"); emit(np.array([1,-64,100],np.int8)>>2,"i8"); emit(2**9,"i64"); emit(-4.0,"f32")
