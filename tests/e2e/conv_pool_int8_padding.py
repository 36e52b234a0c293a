# NumPy reference for conv_pool_int8_padding.tdl (independent of tdlc).
import numpy as np
from reference import emit
def conv(x,w,stride=(1,1),pad=(0,0,0,0),dil=(1,1),groups=1):
    x=np.pad(x,[(0,0),(0,0),(pad[0],pad[1]),(pad[2],pad[3])])
    N,C,H,W=x.shape; O,Cg,KH,KW=w.shape
    OH=(H-dil[0]*(KH-1)-1)//stride[0]+1; OW=(W-dil[1]*(KW-1)-1)//stride[1]+1
    y=np.zeros((N,O,OH,OW),dtype=np.result_type(x.dtype,w.dtype))
    og=O//groups
    for o in range(O):
        g=o//og
        for i in range(OH):
            for j in range(OW):
                patch=x[:,g*Cg:(g+1)*Cg,i*stride[0]:i*stride[0]+dil[0]*(KH-1)+1:dil[0],j*stride[1]:j*stride[1]+dil[1]*(KW-1)+1:dil[1]]
                y[:,o,i,j]=(patch*w[o]).sum(axis=(1,2,3))
    return y
def pool(x,win,stride,pad,fn,fill):
    x=np.pad(x,[(0,0),(0,0),(pad[0],pad[1]),(pad[2],pad[3])],constant_values=fill)
    N,C,H,W=x.shape; OH=(H-win[0])//stride[0]+1; OW=(W-win[1])//stride[1]+1
    y=np.zeros((N,C,OH,OW),x.dtype)
    for i in range(OH):
        for j in range(OW):
            y[:,:,i,j]=fn(x[:,:,i*stride[0]:i*stride[0]+win[0],j*stride[1]:j*stride[1]+win[1]],axis=(2,3))
    return y
xi=((np.arange(50)%7)-3).reshape(1,2,5,5).astype(np.int64); wi=((np.arange(36)%5)-2).reshape(2,2,3,3).astype(np.int64)
emit(conv(xi,wi,(2,2),(1,1,1,1)),"i32")
x=np.sin(np.arange(50,dtype=np.float32)).reshape(1,2,5,5).astype(np.float64)
emit(pool(x,(3,3),(2,2),(1,1,1,1),np.max,-np.inf),"f32")
emit(pool(x,(3,3),(2,2),(1,1,1,1),np.sum,0)/9,"f32")
x2=np.cos(np.arange(64,dtype=np.float32)).reshape(2,2,4,4).astype(np.float64)
emit(pool(x2,(2,3),(2,1),(0,0,0,0),np.max,0),"f32")
xq=np.array([1,-2,3,-4,5,-6,7,-8,9,10,11,12,-13,14,15,16]).reshape(1,1,4,4)
emit(pool(xq,(2,2),(2,2),(0,0,0,0),np.max,0),"i8")
xd=np.sin(np.arange(72)*0.3).reshape(1,2,6,6); wd=np.cos(np.arange(24.)).reshape(4,1,2,3)
emit(conv(xd,wd,(2,2),(1,0,0,1),(2,1),2),"f64")
