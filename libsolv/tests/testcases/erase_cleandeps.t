# Erase with cleandeps also removes dependencies nobody else needs, but keeps
# userinstalled packages and dependencies still needed by others.
repo system 0 testtags <inline>
#>=Pkg: app 1 1 noarch
#>=Req: libfoo
#>=Req: libshared
#>=Pkg: libfoo 1 1 noarch
#>=Pkg: libshared 1 1 noarch
#>=Pkg: other 1 1 noarch
#>=Req: libshared
system x86_64 rpm system
job userinstalled name app
job userinstalled name other
job erase name app [cleandeps]
result transaction,problems <inline>
#>erase app-1-1.noarch@system
#>erase libfoo-1-1.noarch@system
