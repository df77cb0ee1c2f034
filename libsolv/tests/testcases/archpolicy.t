# On x86_64 the x86_64 package wins over i686; i686 is still installable
# when asked for explicitly; incompatible arches are never chosen.
repo system 0 empty
repo available 0 testtags <inline>
#>=Pkg: lib 1 1 i686
#>=Pkg: lib 1 1 x86_64
#>=Pkg: lib 2 1 aarch64
#>=Pkg: only32 1 1 i686
system x86_64 rpm system
job install name lib
result transaction,problems <inline>
#>install lib-1-1.x86_64@available
nextjob
job install pkg lib-1-1.i686@available
result transaction,problems <inline>
#>install lib-1-1.i686@available
nextjob
job install name only32
result transaction,problems <inline>
#>install only32-1-1.i686@available
