# NumPy reference for elementwise_builtins.tdl (independent of tdlc).
import numpy as np
from reference import emit
f=np.float32
x=np.array([0.25,1.5,2.0,3.75,0.01],f); s=np.array([-2.5,-0.5,0.0,0.5,2.5],f); t=np.array([1,-1,0,2,-3],f); i=np.array([-3,0,5,-1,2])
for v in [np.exp(s),np.log(x),np.sqrt(x),1/np.sqrt(x),np.abs(s),np.sign(s),np.sin(s),np.cos(s),np.tanh(s),1/(1+np.exp(-s)),np.maximum(s,0),np.floor(s),np.ceil(s)]:
    emit(v,"f32")
# round: spec silent; half away from zero (C round) vs numpy half-even
emit(np.round(s),"f32")
emit(np.maximum(s,t),"f32"); emit(np.minimum(s,t),"f32"); emit(np.power(x,t),"f32"); emit(np.clip(s,-1,1),"f32")
emit(np.where(s>0,s,t),"f32"); emit(np.where(s<0,0,x),"f32"); emit([True,False,False,False,False],"bool"); emit(np.abs(i),"i32"); emit(np.maximum(i,0),"i32")
