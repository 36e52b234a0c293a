" .tdl files are TDL (the tdlc tensor language).
autocmd BufRead,BufNewFile *.tdl setfiletype tdl
