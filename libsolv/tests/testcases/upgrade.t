# Update of all packages, and a targeted update to a given version.
repo system 0 testtags <inline>
#>=Pkg: a 1 1 noarch
#>=Pkg: b 1 1 noarch
repo available 0 testtags <inline>
#>=Pkg: a 1 2 noarch
#>=Pkg: a 2 1 noarch
#>=Pkg: b 1 1 noarch
system x86_64 rpm system
job update all packages
result transaction,problems <inline>
#>upgrade a-1-1.noarch@system a-2-1.noarch@available
nextjob
job update name a = 1-2
result transaction,problems <inline>
#>upgrade a-1-1.noarch@system a-1-2.noarch@available
