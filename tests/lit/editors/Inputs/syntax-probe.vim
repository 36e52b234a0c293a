" Writes the file type and the syntax group at fixed positions of
" syntax-sample.tdl to the file a:out, one `line:col group` per line.
function! Probe(out) abort
  let lines = ['filetype ' . &filetype . ' commentstring ' . escape(&commentstring, ' ')]
  for [l, c] in [[1, 1], [2, 1], [2, 12], [2, 19], [2, 38], [2, 57], [2, 64], [3, 11], [3, 25], [3, 44], [3, 51]]
    call add(lines, l . ':' . c . ' ' . synIDattr(synID(l, c, 1), 'name'))
  endfor
  call writefile(lines, a:out)
endfunction
