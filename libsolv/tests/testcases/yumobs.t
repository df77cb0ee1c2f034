# Obsoletes on update; with yumobsoletes every obsoleter gets installed.
repo system 0 testtags <inline>
#>=Pkg: old 1 1 x86_64
repo available 0 testtags <inline>
#>=Pkg: new1 2 1 x86_64
#>=Obs: old
#>=Pkg: new2 2 1 x86_64
#>=Obs: old
system x86_64 rpm system
job update all packages
result transaction,problems <inline>
#>erase old-1-1.x86_64@system new1-2-1.x86_64@available
#>install new1-2-1.x86_64@available
nextjob
solverflags yumobsoletes
job update all packages
result transaction,problems <inline>
#>erase old-1-1.x86_64@system new1-2-1.x86_64@available
#>install new1-2-1.x86_64@available
#>install new2-2-1.x86_64@available
