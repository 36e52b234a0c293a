" Vim syntax file
" Language: TDL, the tensor language of tdlc
" Keywords, dtypes and tensor types (f32[2, N]), numbers, nested block
" comments and /// doc comments, @attributes, generic parameters and
" shape packs (..S), builtins and the autodiff transforms.

if exists('b:current_syntax')
  finish
endif

syn keyword tdlConditional if else
syn keyword tdlRepeat for in while
syn keyword tdlStatement break continue return
syn keyword tdlKeyword fn let var struct nextgroup=tdlDeclName skipwhite
syn keyword tdlStorage const export
syn keyword tdlInclude import
syn keyword tdlOperatorWord as
syn keyword tdlBoolean true false
syn keyword tdlType bool i8 i32 i64 f32 f64
syn keyword tdlConstraint float int num contained
syn keyword tdlTransform grad value_and_grad vjp jvp
syn keyword tdlBuiltin exp log sqrt rsqrt sin cos tanh sigmoid floor ceil round
syn keyword tdlBuiltin abs sign relu isnan pow max min clamp select where
syn keyword tdlBuiltin sum mean prod logsumexp argmax argmin reshape transpose
syn keyword tdlBuiltin broadcast_to expand_dims squeeze concat stack pad flip
syn keyword tdlBuiltin matmul dot outer conv2d max_pool2d avg_pool2d zeros ones
syn keyword tdlBuiltin full iota eye uniform normal one_hot stop_gradient print
syn keyword tdlBuiltin rank

" Operators first: the matches below that overlap them (..S) win.
syn match tdlOperator '->\|\.\.\|\*\*\|[-+*/%@<>=!&|^]'

syn match tdlDeclName '\h\w*' contained
syn match tdlTypeName '\<\u\w*\>'
syn match tdlPack '\%([[:alnum:]_)\]]\)\@<!\.\.\h\w*'
syn match tdlConstraintSep ':\s*\%(float\|int\|num\)\>\%(\s*[,>]\)\@=' contains=tdlConstraint
syn match tdlAttribute '@\h\w*\%(\s*(\)\@='
syn match tdlNamedArg '\<\l\w*\s*:\%(:\)\@!' contains=NONE

syn match tdlNumber '\<\d[0-9_]*\>'
syn match tdlNumber '\<0[xX][0-9A-Fa-f_]\+\>'
syn match tdlFloat '\<\d[0-9_]*\.\%(\.\)\@!\d*\%([eE][+-]\=\d\+\)\='
syn match tdlFloat '\%([[:alnum:]_.]\)\@<!\.\d[0-9_]*\%([eE][+-]\=\d\+\)\='
syn match tdlFloat '\<\d[0-9_]*[eE][+-]\=\d\+\>'

syn region tdlString start='"' end='"\|$' contains=tdlEscape
syn match tdlEscape '\\.' contained

syn keyword tdlTodo TODO FIXME XXX NOTE contained
syn match tdlComment '//.*$' contains=tdlTodo,@Spell
syn match tdlDocComment '///.*$' contains=tdlTodo,@Spell
syn region tdlBlockComment start='/\*' end='\*/' contains=tdlBlockComment,tdlTodo,@Spell

hi def link tdlConditional Conditional
hi def link tdlRepeat Repeat
hi def link tdlStatement Statement
hi def link tdlKeyword Keyword
hi def link tdlStorage StorageClass
hi def link tdlInclude Include
hi def link tdlOperatorWord Operator
hi def link tdlBoolean Boolean
hi def link tdlType Type
hi def link tdlConstraint Type
hi def link tdlTransform Special
hi def link tdlBuiltin Function
hi def link tdlDeclName Identifier
hi def link tdlTypeName Type
hi def link tdlPack Type
hi def link tdlAttribute PreProc
hi def link tdlNamedArg Identifier
hi def link tdlNumber Number
hi def link tdlFloat Float
hi def link tdlOperator Operator
hi def link tdlString String
hi def link tdlEscape SpecialChar
hi def link tdlTodo Todo
hi def link tdlComment Comment
hi def link tdlDocComment SpecialComment
hi def link tdlBlockComment Comment

let b:current_syntax = 'tdl'
